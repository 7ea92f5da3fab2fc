import { randomUUID } from 'node:crypto';
import { NS_CLIENT, NS_DELAY, parseFrame, xml, type Element, type XmlChild } from '@sotto/xmpp';
import type { InboxEntry } from '../inbox/inbox-entry';
import { dateToMicros, microsToIso } from './xmpp-datetime';

export const NS_FORWARD = 'urn:xmpp:forward:0';
// What was stored passed the gateway's limits of its day; these only bound the parser.
const STORED_LIMITS = { maxStanzaBytes: 16_777_216, maxDepth: 256 };

/** A message from the owner's account to the requesting session, carrying one result. */
export function resultMessage(owner: string, requester: string, ...children: XmlChild[]): Element {
  return xml(
    'message',
    { xmlns: NS_CLIENT, from: owner, to: requester, id: randomUUID() },
    ...children,
  );
}

/** The entry's last message as XEP-0297 forwards it, stamped (XEP-0203) with its time. */
export function forwarded(entry: InboxEntry): Element {
  return xml(
    'forwarded',
    { xmlns: NS_FORWARD },
    xml('delay', { xmlns: NS_DELAY, stamp: microsToIso(dateToMicros(entry.lastAt)) }),
    parseFrame(entry.content, STORED_LIMITS),
  );
}
