import type { Affiliation, StoredAffiliation } from '../pubsub/affiliation';
import type { NodeConfig } from '../forms/node-config';

/** A node as the service works with it. */
export interface StoredNode {
  id: string;
  /** The hosting JID: the shared service's or the PEP owner's bare JID. */
  service: string;
  name: string;
  config: NodeConfig;
  createdAt: Date;
}

export interface StoredItem {
  itemId: string;
  /** Bare JID. */
  publisher: string;
  /** The serialised payload element, or '' when the item had none. */
  payload: string;
  publishedAt: Date;
}

export interface StoredSubscription {
  /** As subscribed: bare or full. */
  jid: string;
  subid: string;
  deliver: boolean;
}

export interface AffiliationEntry {
  jid: string;
  affiliation: StoredAffiliation;
}

/** A user's subscription or affiliation somewhere on one service. */
export interface UserSubscription extends StoredSubscription {
  node: string;
}
export interface UserAffiliation {
  node: string;
  affiliation: StoredAffiliation;
}

/** What a publication changed: the items it pushed out beyond `max_items`. */
export interface Publication {
  evicted: string[];
}

/** The last item of a node, for sending it to a resource that just came online. */
export interface LastItem {
  node: StoredNode;
  item: StoredItem;
  /** The interested user's affiliation with the node. */
  affiliation: Affiliation;
}
