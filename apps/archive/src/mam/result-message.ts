import { NS_CLIENT, NS_DELAY, parseFrame, xml, type Element } from '@sotto/xmpp';
import type { StoredMessage } from '../archive/archive-row';
import { NS_FORWARD, NS_MAM } from '../archive/namespaces';
import { formatDateTime } from './xmpp-datetime';

// Stored stanzas passed the gateway's own limits when they were sent; these only guard the parse.
const STORED_LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 128 };

export interface ResultAddress {
  /** The archive's address: the owner's bare JID. */
  archive: string;
  /** The session that asked. */
  requester: string;
  queryId?: string;
}

/**
 * One archived message as a query result (XEP-0313 §4.2): forwarded (XEP-0297) with the time the
 * server accepted it as its delay stamp (XEP-0203), from the archive to the requester.
 */
export function resultMessage(address: ResultAddress, message: StoredMessage): Element {
  const original = parseFrame(message.stanza, STORED_LIMITS);
  // Inside <forwarded/> an unqualified <message/> would take the forwarding namespace.
  original.attrs.xmlns ??= NS_CLIENT;
  return xml(
    'message',
    { xmlns: NS_CLIENT, from: address.archive, to: address.requester },
    xml(
      'result',
      { xmlns: NS_MAM, queryid: address.queryId, id: message.id },
      xml(
        'forwarded',
        { xmlns: NS_FORWARD },
        xml('delay', { xmlns: NS_DELAY, stamp: formatDateTime(message.sentAt) }),
        original,
      ),
    ),
  );
}
