import type { Element } from '@sotto/xmpp';
import { NS_PUBSUB_OWNER } from './namespaces';
import { actionOf, bad, node, requiredForm } from './request-fields';
import { PubsubErrorCode } from './pubsub.exception';

const MAX_CHANGES = 256;

/** The payload of an owner's `<pubsub xmlns='…pubsub#owner'/>` IQ (XEP-0060 §8). */
export type OwnerRequest =
  | { kind: 'configure'; node: string; form?: Element }
  | { kind: 'default-config' }
  | { kind: 'delete'; node: string; redirect: string | undefined }
  | { kind: 'purge'; node: string }
  | { kind: 'subscriptions'; node: string; changes?: SubscriptionChange[] }
  | { kind: 'affiliations'; node: string; changes?: AffiliationChange[] };

export interface SubscriptionChange {
  jid: string;
  /** Absent: unchanged (§8.8.2.1). */
  subscription: string | undefined;
}

export interface AffiliationChange {
  jid: string;
  affiliation: string | undefined;
}

/** Parses an owner request; `type` is the IQ's. Throws PubsubException. */
export function parseOwnerRequest(pubsub: Element, type: 'get' | 'set'): OwnerRequest {
  const [action] = actionOf(pubsub, NS_PUBSUB_OWNER, {});
  switch (`${type}:${action.name}`) {
    case 'get:configure':
      return { kind: 'configure', node: node(action) };
    case 'set:configure':
      return {
        kind: 'configure',
        node: node(action),
        form: requiredForm(action, PubsubErrorCode.BadRequest),
      };
    case 'get:default':
      return { kind: 'default-config' };
    case 'set:delete':
      return {
        kind: 'delete',
        node: node(action),
        redirect: action.getChild('redirect')?.attrs.uri,
      };
    case 'set:purge':
      return { kind: 'purge', node: node(action) };
    case 'get:subscriptions':
      return { kind: 'subscriptions', node: node(action) };
    case 'set:subscriptions':
      return {
        kind: 'subscriptions',
        node: node(action),
        changes: changes(action, 'subscription', (entry, jid) => ({
          jid,
          subscription: entry.attrs.subscription,
        })),
      };
    case 'get:affiliations':
      return { kind: 'affiliations', node: node(action) };
    case 'set:affiliations':
      return {
        kind: 'affiliations',
        node: node(action),
        changes: changes(action, 'affiliation', (entry, jid) => ({
          jid,
          affiliation: entry.attrs.affiliation,
        })),
      };
    default:
      throw bad(`no ${action.name} ${type} in this namespace`);
  }
}

function changes<T>(action: Element, name: string, read: (entry: Element, jid: string) => T): T[] {
  const entries = action.getChildElements();
  if (entries.length > MAX_CHANGES || entries.some((entry) => entry.name !== name)) {
    throw bad(`a list of at most ${MAX_CHANGES} ${name} elements`);
  }
  return entries.map((entry) => {
    const jid = entry.attrs.jid;
    if (jid === undefined || jid === '') {
      throw bad(`each ${name} names a jid`);
    }
    return read(entry, jid);
  });
}
