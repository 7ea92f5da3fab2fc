import { xml, type Element } from '@sotto/xmpp';
import type { InboxEntry } from '../inbox/inbox-entry';
import { dataForm } from './data-form';
import { cursorOf } from './inbox-cursor';
import type { InboxPage } from './inbox-query.service';
import { forwarded, resultMessage } from './result-message';
import { rsmResult } from './rsm';
import { dateToMicros, microsToIso } from './xmpp-datetime';

/** MongooseIM's inbox (https://esl.github.io/MongooseDocs/latest/open-extensions/inbox/). */
export const NS_ESL_INBOX = 'erlang-solutions.com:xmpp:inbox:0';
export const NS_ESL_CONVERSATION = 'erlang-solutions.com:xmpp:inbox:0#conversation';

const BOX_OPTIONS: [string, string][] = ['all', 'inbox', 'archive', 'bin'].map((box) => [box, box]);

/** The query form an IQ get returns. */
export function eslQueryForm(): Element {
  return dataForm(NS_ESL_INBOX, [
    { var: 'start', type: 'text-single' },
    { var: 'end', type: 'text-single' },
    { var: 'hidden_read', type: 'text-single', values: ['false'] },
    {
      var: 'order',
      type: 'list-single',
      values: ['desc'],
      options: [
        ['Ascending by timestamp', 'asc'],
        ['Descending by timestamp', 'desc'],
      ],
    },
    { var: 'box', type: 'list-single', values: ['all'], options: BOX_OPTIONS },
    { var: 'archive', type: 'boolean', values: ['false'] },
  ]);
}

/** The properties form of a `#conversation` get without a JID. */
export function eslConversationForm(): Element {
  return dataForm(NS_ESL_CONVERSATION, [
    { var: 'box', type: 'list-single', values: ['all'], options: BOX_OPTIONS },
    { var: 'archive', type: 'boolean', values: ['false'] },
    { var: 'read', type: 'boolean', values: ['false'] },
    { var: 'mute', type: 'text-single', values: ['0'] },
  ]);
}

/** `<read/>`, `<box/>`, `<archive/>`, `<mute/>` of an entry (mute: 0 or until when). */
export function entryProperties(entry: InboxEntry, now = new Date()): Element[] {
  const muted = entry.mutedUntil !== null && entry.mutedUntil >= now;
  return [
    xml('read', {}, String(entry.unreadCount === 0)),
    xml('box', {}, entry.box),
    xml('archive', {}, String(entry.box === 'archive')),
    xml('mute', {}, muted ? microsToIso(dateToMicros(entry.mutedUntil!)) : '0'),
  ];
}

/** One conversation of a query's answer. */
export function eslResult(
  owner: string,
  requester: string,
  queryId: string,
  entry: InboxEntry,
): Element {
  return resultMessage(
    owner,
    requester,
    xml(
      'result',
      { xmlns: NS_ESL_INBOX, unread: String(entry.unreadCount), queryid: queryId },
      forwarded(entry),
      ...entryProperties(entry),
    ),
  );
}

/** The IQ result ending a query: the page's RSM ids and the totals of the filtered inbox. */
export function eslFin({ entries, totals }: InboxPage): Element {
  const first = entries[0];
  const last = entries[entries.length - 1];
  return xml(
    'fin',
    { xmlns: NS_ESL_INBOX },
    rsmResult(first && cursorOf(first), last && cursorOf(last)),
    xml('count', {}, String(totals.count)),
    xml('unread-messages', {}, String(totals.unread)),
    xml('active-conversations', {}, String(totals.active)),
  );
}

/** What the owner's sessions are told when an entry's properties change. */
export function eslPropertiesUpdate(owner: string, queryId: string, entry: InboxEntry): Element {
  return resultMessage(
    owner,
    owner,
    xml(
      'x',
      { xmlns: NS_ESL_CONVERSATION, jid: entry.remoteJid, queryid: queryId },
      ...entryProperties(entry),
    ),
  );
}
