import { Inject, Injectable } from '@nestjs/common';
import { BareJid } from '@sotto/contracts';
import { PubsubRepository } from '../store/pubsub.repository';
import type { StoredNode } from '../store/pubsub-records';
import { AccessPolicy } from './access-policy';
import { privileges, type Affiliation } from './affiliation';
import type { PubsubHost } from './pubsub-host';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

type Records = Pick<PubsubRepository, 'findNode' | 'affiliationOf' | 'affiliations'>;

/** A node as one requester sees it. */
export interface NodeView {
  node: StoredNode;
  affiliation: Affiliation;
}

/** Finds nodes and checks what their affiliations and access models allow (XEP-0060 §4). */
@Injectable()
export class NodeGuard {
  constructor(
    @Inject(PubsubRepository) private readonly records: Records,
    @Inject(AccessPolicy) private readonly access: Pick<AccessPolicy, 'refusal'>,
  ) {}

  /** The node and the requester's affiliation with it; NodeNotFound when there is none. */
  async find(host: PubsubHost, name: string, requester: string): Promise<NodeView> {
    const node = await this.records.findNode(host.jid, name);
    if (!node) {
      throw new PubsubException(PubsubErrorCode.NodeNotFound);
    }
    return { node, affiliation: await this.records.affiliationOf(node.id, requester) };
  }

  /** The node, if `requester` owns it; NodeNotFound or Forbidden otherwise. */
  async owned(host: PubsubHost, name: string, requester: string): Promise<StoredNode> {
    const { node, affiliation } = await this.find(host, name, requester);
    if (!privileges.own(affiliation)) {
      throw new PubsubException(PubsubErrorCode.Forbidden, 'only an owner may do this');
    }
    return node;
  }

  /** Throws the access model's refusal when `requester` may not subscribe or retrieve items. */
  async assertReadable(view: NodeView, requester: string): Promise<void> {
    const refusal = await this.refusal(view, requester);
    if (refusal !== undefined) {
      throw new PubsubException(refusal);
    }
  }

  async refusal(view: NodeView, requester: string): Promise<PubsubErrorCode | undefined> {
    return this.access.refusal({
      config: view.node.config,
      owners: await this.owners(view.node),
      requester,
      affiliation: view.affiliation,
    });
  }

  /** Bare JIDs of the node's owners that have a roster to ask. */
  async owners(node: StoredNode): Promise<string[]> {
    return (await this.records.affiliations(node.id))
      .filter((a) => a.affiliation === 'owner' && BareJid.safeParse(a.jid).success)
      .map((a) => a.jid);
  }
}
