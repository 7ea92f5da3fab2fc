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

/** Features the gateway itself serves, as disco#info lists them (XEP-0030). */
const SERVER_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PING];
const ACCOUNT_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS];

/**
 * IQs the server answers itself: to the domain, or to the user's own bare JID on the user's
 * behalf. Namespaces nobody serves get `service-unavailable` (RFC 6120 §8.4).
 */
@Injectable()
export class ServerIqHandler {
  /** Returns the reply to a get/set IQ; throws StanzaError for an error reply. */
  handle(iq: Element, payload: Element, toAccount: boolean): Element {
    const type = iq.attrs.type;
    const ns = payload.xmlns;
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
      return iqResult(iq, this.discoInfo(payload, toAccount));
    }
    if (ns === NS_DISCO_ITEMS && payload.name === 'query' && type === 'get') {
      if (payload.attrs.node !== undefined) {
        throw new StanzaError('item-not-found');
      }
      return iqResult(iq, xml('query', { xmlns: NS_DISCO_ITEMS }));
    }
    throw new StanzaError('service-unavailable');
  }

  private discoInfo(query: Element, toAccount: boolean): Element {
    if (query.attrs.node !== undefined) {
      throw new StanzaError('item-not-found');
    }
    const identity = toAccount
      ? xml('identity', { category: 'account', type: 'registered' })
      : xml('identity', { category: 'server', type: 'im', name: 'Sotto' });
    const features = toAccount ? ACCOUNT_FEATURES : SERVER_FEATURES;
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      identity,
      features.map((feature) => xml('feature', { var: feature })),
    );
  }
}
