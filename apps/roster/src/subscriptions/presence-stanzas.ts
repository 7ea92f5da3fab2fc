import { NS_CLIENT, StreamError, parseFrame, xml, type Element } from '@sotto/xmpp';
import type { SubscriptionPresence } from './subscription-state';

const NS_NICK = 'http://jabber.org/protocol/nick';
// Stored requests were serialised by this service; these only guard the parser.
const STORED_LIMITS = { maxStanzaBytes: 65_536, maxDepth: 16 };
const MAX_STATUS_LENGTH = 1024;

/** A presence the server itself sends between two users. */
export function serverPresence(type: string, from: string, to: string): Element {
  return xml('presence', { xmlns: NS_CLIENT, type, from, to });
}

/**
 * The subscription presence as the contact receives it: addressed from and to bare JIDs
 * (RFC 6121 §3.1.2), with what the user put in it.
 */
export function routedPresence(
  original: Element | undefined,
  type: SubscriptionPresence,
  from: string,
  to: string,
): Element {
  const routed = original?.clone() ?? serverPresence(type, from, to);
  Object.assign(routed.attrs, { xmlns: NS_CLIENT, type, from, to });
  return routed;
}

/**
 * What is kept of a subscription request until it is answered: its addresses, its status text
 * and the requester's nickname (XEP-0172), nothing else the request carried.
 */
export function storedRequest(routed: Element): string {
  const status = routed.getChildText('status');
  const nick = routed.getChild('nick', NS_NICK);
  return xml(
    'presence',
    { xmlns: NS_CLIENT, type: 'subscribe', from: routed.attrs.from, to: routed.attrs.to },
    status !== undefined && xml('status', {}, status.slice(0, MAX_STATUS_LENGTH)),
    nick && xml('nick', { xmlns: NS_NICK }, nick.text().slice(0, MAX_STATUS_LENGTH)),
  ).toString();
}

/** The status text of a stored request (MongooseIM's `askmessage`); empty when none. */
export function askMessage(stored: string): string {
  try {
    return parseFrame(stored, STORED_LIMITS).getChildText('status') ?? '';
  } catch (error) {
    if (error instanceof StreamError) {
      return '';
    }
    throw error;
  }
}
