import { NS_DELAY, xml, type Element } from '@sotto/xmpp';

const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
const NS_HINTS = 'urn:xmpp:hints';
const NS_SID = 'urn:xmpp:sid:0';

/**
 * Whether a chat or normal message is kept for later delivery (XEP-0160 §3: both "SHOULD be
 * stored offline"), with two exceptions:
 * - XEP-0160 §3: not one that holds nothing but a chat state ("such content is not useful in
 *   offline messages");
 * - XEP-0334 §4: a `<no-store/>` hint forbids it ("should not be stored … temporarily, e.g. for
 *   later delivery to an offline client"), a `<store/>` hint asks for it whatever it holds.
 */
export function isStorable(message: Element): boolean {
  const children = message.getChildElements();
  const hinted = (name: string): boolean =>
    children.some((child) => child.name === name && child.attrs.xmlns === NS_HINTS);
  if (hinted('no-store')) {
    return false;
  }
  if (hinted('store')) {
    return true;
  }
  const content = children.filter((child) => !isEnvelope(child));
  return content.length === 0 || !content.every((child) => child.attrs.xmlns === NS_CHATSTATES);
}

/**
 * The message as delivered from storage: with the XEP-0203 stamp of when the server accepted it,
 * from the server's domain (XEP-0160 §2 recommends it, to tell the message was stored offline).
 * A stamp "from the domain" the sender put there is dropped first: only the server may say that.
 */
export function withDelay(message: Element, domain: string, acceptedAt: number): Element {
  const stamped = message.clone();
  stamped.children = stamped.children.filter(
    (child) =>
      typeof child === 'string' ||
      !(child.name === 'delay' && child.attrs.xmlns === NS_DELAY && child.attrs.from === domain),
  );
  stamped.append(
    xml('delay', { xmlns: NS_DELAY, from: domain, stamp: new Date(acceptedAt).toISOString() }),
  );
  return stamped;
}

// Elements that travel with any message and say nothing by themselves.
function isEnvelope(child: Element): boolean {
  return child.attrs.xmlns === NS_SID || child.attrs.xmlns === NS_HINTS || child.name === 'thread';
}
