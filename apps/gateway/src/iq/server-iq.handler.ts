import { Injectable } from '@nestjs/common';
import type { DiscoIdentity } from '@sotto/contracts';
import {
  NS_BIND,
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_PING,
  NS_SESSION,
  StanzaError,
  iqResult,
  xml,
  type Element,
} from '@sotto/xmpp';
import { FeatureRegistry } from '../features/feature-registry';

/** Features the gateway itself serves, as disco#info lists them (XEP-0030). */
const SERVER_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PING];
const ACCOUNT_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS];
const SERVER_IDENTITY: DiscoIdentity = { category: 'server', type: 'im', name: 'Sotto' };
const ACCOUNT_IDENTITY: DiscoIdentity = { category: 'account', type: 'registered' };

/** Who an IQ to the server side is for: the domain, the sender's account, or another account. */
export type IqTarget = 'server' | 'own-account' | 'other-account';

/**
 * IQs the gateway answers itself. Anything else goes to the feature service that serves the
 * namespace, or gets `service-unavailable` (RFC 6120 §8.4).
 */
@Injectable()
export class ServerIqHandler {
  constructor(private readonly features: FeatureRegistry) {}

  /** The reply to a built-in IQ; undefined when the gateway does not serve it; throws StanzaError. */
  handle(iq: Element, payload: Element, target: IqTarget): Element | undefined {
    const type = iq.attrs.type;
    const ns = payload.xmlns;
    const discoQuery =
      (ns === NS_DISCO_INFO || ns === NS_DISCO_ITEMS) && payload.name === 'query' && type === 'get';
    if (target !== 'server' && discoQuery) {
      return this.accountDisco(iq, payload);
    }
    if (target === 'other-account') {
      return undefined;
    }
    if (ns === NS_PING && payload.name === 'ping' && type === 'get') {
      return iqResult(iq);
    }
    if (ns === NS_SESSION && payload.name === 'session' && type === 'set') {
      // RFC 3921 session establishment is a no-op kept for old clients (RFC 6121 Appendix E).
      return iqResult(iq);
    }
    if (ns === NS_BIND) {
      throw new StanzaError('not-allowed', 'a resource is already bound');
    }
    if (target === 'server' && discoQuery) {
      noNode(payload);
      if (ns === NS_DISCO_INFO) {
        const features = [...SERVER_FEATURES, ...this.features.serverFeatures()];
        return iqResult(iq, discoInfo([SERVER_IDENTITY], features));
      }
      // XEP-0030 §4, XEP-0060 §5: the server's items are its components (`pubsub.<domain>`).
      const items = this.features.components().sort();
      return iqResult(
        iq,
        xml(
          'query',
          { xmlns: NS_DISCO_ITEMS },
          items.map((jid) => xml('item', { jid })),
        ),
      );
    }
    return undefined;
  }

  /**
   * disco#info and disco#items of an account's bare JID. The answer is the same for every bare
   * JID of the domain, the sender's own or another, existing or not: the identities and features
   * accounts have here (with the services' identities, XEP-0163's `pubsub/pep`), never whether this one
   * exists, as the vCard service answers known and unknown users alike. A node, and the items,
   * belong to a service that serves that namespace (PEP nodes are pubsub's); without one, there
   * are no items and no nodes.
   */
  private accountDisco(iq: Element, payload: Element): Element | undefined {
    const ns = payload.xmlns ?? '';
    const forService = ns === NS_DISCO_ITEMS || payload.attrs.node !== undefined;
    if (forService && this.features.serviceFor(ns) !== undefined) {
      return undefined;
    }
    noNode(payload);
    if (ns === NS_DISCO_ITEMS) {
      return iqResult(iq, xml('query', { xmlns: NS_DISCO_ITEMS }));
    }
    const identities = [ACCOUNT_IDENTITY, ...this.features.accountIdentities()];
    const features = [...ACCOUNT_FEATURES, ...this.features.accountFeatures()];
    return iqResult(iq, discoInfo(identities, features));
  }
}

function noNode(query: Element): void {
  if (query.attrs.node !== undefined) {
    throw new StanzaError('item-not-found');
  }
}

function discoInfo(identities: DiscoIdentity[], features: string[]): Element {
  const seen = new Set<string>();
  const unique = identities.filter((identity) => {
    const key = `${identity.category}/${identity.type}/${identity.name ?? ''}`;
    return !seen.has(key) && seen.add(key);
  });
  return xml(
    'query',
    { xmlns: NS_DISCO_INFO },
    unique.map((identity) => xml('identity', { ...identity })),
    [...new Set(features)].sort().map((feature) => xml('feature', { var: feature })),
  );
}
