import { xml, type Element } from '@sotto/xmpp';
import type { InboxEntry } from '../inbox/inbox-entry';
import { cursorOf } from './inbox-cursor';
import type { InboxPage } from './inbox-query.service';
import { forwarded, resultMessage } from './result-message';
import { rsmResult } from './rsm';

/** XEP-0430: Inbox. */
export const NS_INBOX = 'urn:xmpp:inbox:1';
const NS_MAM = 'urn:xmpp:mam:2';

/**
 * One conversation: its `<entry/>` (the id is the last message's archive id) and, unless the
 * client elided messages, the last message as a XEP-0313 result.
 */
export function inboxEntry(
  owner: string,
  requester: string,
  queryId: string,
  entry: InboxEntry,
  withMessage: boolean,
): Element {
  return resultMessage(
    owner,
    requester,
    xml('entry', {
      xmlns: NS_INBOX,
      unread: String(entry.unreadCount),
      jid: entry.remoteJid,
      id: entry.stanzaId,
    }),
    withMessage &&
      xml('result', { xmlns: NS_MAM, queryid: queryId, id: entry.stanzaId }, forwarded(entry)),
  );
}

/** The IQ result: totals of the inbox (entries, conversations with unread, unread messages) and RSM. */
export function inboxFin({ entries, totals }: InboxPage): Element {
  const first = entries[0];
  const last = entries[entries.length - 1];
  return xml(
    'fin',
    {
      xmlns: NS_INBOX,
      total: String(totals.count),
      unread: String(totals.active),
      'all-unread': String(totals.unread),
    },
    rsmResult(first && cursorOf(first), last && cursorOf(last), totals.count),
  );
}
