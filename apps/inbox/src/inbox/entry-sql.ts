import { microsToIso } from '../query/xmpp-datetime';
import type { Box, InboxEntry } from './inbox-entry';
import type { InboxFilter } from './inbox-filter';

/** A row of `inbox_entries` as the driver returns it. */
export interface EntryRow {
  owner_jid: string;
  remote_jid: string;
  content: string;
  msg_id: string | null;
  stanza_id: string;
  last_at: Date;
  unread_count: number;
  box: Box;
  muted_until: Date | null;
  applied_seq?: string;
  applied_event_id?: string;
}

/** The columns of an `InboxEntry`, in `toEntry`'s order of reading. */
export const ENTRY_COLUMNS =
  'owner_jid, remote_jid, content, msg_id, stanza_id, last_at, unread_count, box, muted_until';

/** The WHERE clause of a filtered read of one owner's inbox, with its parameters. */
export class Conditions {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  constructor(owner: string, filter: InboxFilter) {
    this.add(`owner_jid = ${this.param(owner)}`);
    if (filter.start !== undefined) {
      this.add(`last_at >= ${this.param(microsToIso(filter.start))}::timestamptz`);
    }
    if (filter.end !== undefined) {
      this.add(`last_at <= ${this.param(microsToIso(filter.end))}::timestamptz`);
    }
    if (filter.unreadOnly) {
      this.add('unread_count > 0');
    }
    if (filter.box === 'not-bin') {
      this.add(`box <> 'bin'`);
    } else if (filter.box !== 'all') {
      this.add(`box = ${this.param(filter.box)}`);
    }
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(condition: string): void {
    this.parts.push(condition);
  }

  sql(): string {
    return this.parts.join(' AND ');
  }
}

export function toEntry(row: EntryRow): InboxEntry {
  return {
    ownerJid: row.owner_jid,
    remoteJid: row.remote_jid,
    content: row.content,
    msgId: row.msg_id,
    stanzaId: row.stanza_id,
    lastAt: row.last_at,
    unreadCount: row.unread_count,
    box: row.box,
    mutedUntil: row.muted_until,
  };
}
