import { Injectable } from '@nestjs/common';
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
    if (ns === NS_DISCO_INFO && payload.name === 'query' && type === 'get') {
      return iqResult(iq, this.discoInfo(payload, target === 'own-account'));
    }
    if (ns === NS_DISCO_ITEMS && payload.name === 'query' && type === 'get') {
      if (payload.attrs.node !== undefined) {
        throw new StanzaError('item-not-found');
      }
      return iqResult(iq, xml('query', { xmlns: NS_DISCO_ITEMS }));
    }
    return undefined;
  }

  private discoInfo(query: Element, toAccount: boolean): Element {
    if (query.attrs.node !== undefined) {
      throw new StanzaError('item-not-found');
    }
    const identity = toAccount
      ? xml('identity', { category: 'account', type: 'registered' })
      : xml('identity', { category: 'server', type: 'im', name: 'Sotto' });
    const features = toAccount
      ? [...ACCOUNT_FEATURES, ...this.features.accountFeatures()]
      : [...SERVER_FEATURES, ...this.features.serverFeatures()];
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      identity,
      [...new Set(features)].sort().map((feature) => xml('feature', { var: feature })),
    );
  }
}
