import { NS_PUBSUB } from '../pubsub/namespaces';

// XEP-0060 §10 feature names of what this service really implements.
const COMMON = [
  'access-open',
  'access-presence',
  'access-roster',
  'access-whitelist',
  'config-node',
  'create-and-configure',
  'create-nodes',
  'delete-items',
  'delete-nodes',
  'instant-nodes',
  'item-ids',
  'manage-subscriptions',
  'member-affiliation',
  'meta-data',
  'modify-affiliations',
  'outcast-affiliation',
  'persistent-items',
  'publish',
  'publish-only-affiliation',
  'publish-options',
  'publisher-affiliation',
  'purge-nodes',
  'retract-items',
  'retrieve-affiliations',
  'retrieve-default',
  'retrieve-default-sub',
  'retrieve-items',
  'retrieve-subscriptions',
  'subscribe',
  'subscription-notifications',
  'subscription-options',
];

// PEP adds these (XEP-0163 §8): nodes made on first publication, contacts subscribed through
// presence and filtered by their +notify interest, the last item on subscription and presence.
const PEP_ONLY = [
  'auto-create',
  'auto-subscribe',
  'filtered-notifications',
  'last-published',
  'presence-notifications',
];

const named = (features: string[]) => features.map((feature) => `${NS_PUBSUB}#${feature}`);

/** disco#info features of the shared service (`pubsub.<domain>`). */
export const SERVICE_FEATURES = [NS_PUBSUB, ...named(COMMON)];

/** disco#info features every account adds as a PEP service. */
export const PEP_ACCOUNT_FEATURES = [NS_PUBSUB, ...named([...COMMON, ...PEP_ONLY])].sort();
