import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { microsToIso } from '../query/xmpp-datetime';
import { Conditions, ENTRY_COLUMNS, toEntry, type EntryRow } from './entry-sql';
import { entryKey, type AppliedEntry, type InboxEntry } from './inbox-entry';
import type {
  InboxCursor,
  InboxFilter,
  InboxTotals,
  PageScan,
  PropertyChanges,
} from './inbox-filter';

/** The only code that touches the `inbox_entries` table. JIDs here are prepared bare JIDs. */
@Injectable()
export class InboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * In one transaction: locks the entries of `keys` that exist, hands them to `fold`, and
   * writes what it returns with one upsert. Returns how many entries were written.
   */
  applyBatch(
    keys: readonly [owner: string, remote: string][],
    fold: (current: ReadonlyMap<string, AppliedEntry>) => AppliedEntry[],
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const current = await lockEntries(manager, keys);
      const changed = fold(current);
      if (changed.length > 0) {
        await upsert(manager, changed);
      }
      return changed.length;
    });
  }

  /** One page of an owner's entries, in scan order. */
  async page(owner: string, filter: InboxFilter, scan: PageScan): Promise<InboxEntry[]> {
    const where = new Conditions(owner, filter);
    if (scan.after !== undefined) {
      const op = scan.order === 'desc' ? '<' : '>';
      const at = where.param(microsToIso(scan.after.at));
      const jid = where.param(scan.after.jid);
      where.add(`(last_at, remote_jid) ${op} (${at}::timestamptz, ${jid})`);
    }
    const direction = scan.order === 'desc' ? 'DESC' : 'ASC';
    const limit = where.param(scan.limit);
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM inbox_entries WHERE ${where.sql()}
       ORDER BY last_at ${direction}, remote_jid ${direction} LIMIT ${limit}`,
      where.params,
    );
    return rows.map(toEntry);
  }

  async totals(owner: string, filter: InboxFilter): Promise<InboxTotals> {
    const where = new Conditions(owner, filter);
    const [row] = await this.dataSource.query<{ count: number; unread: number; active: number }[]>(
      `SELECT count(*)::int AS count, coalesce(sum(unread_count), 0)::int AS unread,
              (count(*) FILTER (WHERE unread_count > 0))::int AS active
       FROM inbox_entries WHERE ${where.sql()}`,
      where.params,
    );
    return row;
  }

  async find(owner: string, remote: string): Promise<InboxEntry | undefined> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM inbox_entries WHERE owner_jid = $1 AND remote_jid = $2`,
      [owner, remote],
    );
    return rows.length === 0 ? undefined : toEntry(rows[0]);
  }

  /** Sets the unread count of one entry to zero; nothing when there is no such entry. */
  async resetUnread(owner: string, remote: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbox_entries SET unread_count = 0
       WHERE owner_jid = $1 AND remote_jid = $2 AND unread_count > 0`,
      [owner, remote],
    );
  }

  /** Changes an entry's properties; undefined when there is no such entry. */
  async updateProperties(
    owner: string,
    remote: string,
    changes: PropertyChanges,
  ): Promise<InboxEntry | undefined> {
    const params: unknown[] = [owner, remote];
    const sets: string[] = [];
    if (changes.box !== undefined) {
      params.push(changes.box);
      sets.push(`box = $${params.length}`);
    }
    if (changes.mutedUntil !== undefined) {
      params.push(changes.mutedUntil);
      sets.push(`muted_until = $${params.length}`);
    }
    if (changes.read !== undefined) {
      sets.push(changes.read ? 'unread_count = 0' : 'unread_count = greatest(unread_count, 1)');
    }
    if (sets.length === 0) {
      return this.find(owner, remote);
    }
    const [rows] = await this.dataSource.query<[EntryRow[], number]>(
      `UPDATE inbox_entries SET ${sets.join(', ')}
       WHERE owner_jid = $1 AND remote_jid = $2 RETURNING ${ENTRY_COLUMNS}`,
      params,
    );
    return rows.length === 0 ? undefined : toEntry(rows[0]);
  }

  /** Deletes an owner's binned entries; returns how many. */
  async emptyBin(owner: string): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM inbox_entries WHERE owner_jid = $1 AND box = 'bin'`,
      [owner],
    );
    return count;
  }

  /** Deletes every owner's binned entries whose last message is older than `cutoff`. */
  async deleteBinnedBefore(cutoff: Date): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM inbox_entries WHERE box = 'bin' AND last_at < $1`,
      [cutoff],
    );
    return count;
  }

  /** An owner's entries oldest first, from strictly after `after`, for GDPR collection. */
  async collect(
    owner: string,
    after: InboxCursor | undefined,
    limit: number,
  ): Promise<InboxEntry[]> {
    return this.page(owner, { unreadOnly: false, box: 'all' }, { order: 'asc', after, limit });
  }

  /** Deletes an owner's whole inbox; returns how many entries it had. */
  async deleteOwner(owner: string): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM inbox_entries WHERE owner_jid = $1`,
      [owner],
    );
    return count;
  }

  /** How many entries in others' inboxes are conversations with `remote`. */
  async countMentions(remote: string): Promise<number> {
    const [row] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM inbox_entries WHERE remote_jid = $1 AND owner_jid <> $1`,
      [remote],
    );
    return row.count;
  }
}

// Locks in key order, so that two transactions over the same entries cannot deadlock.
async function lockEntries(
  manager: EntityManager,
  keys: readonly [string, string][],
): Promise<Map<string, AppliedEntry>> {
  const rows = await manager.query<EntryRow[]>(
    `SELECT ${ENTRY_COLUMNS}, applied_seq, applied_event_id FROM inbox_entries
     WHERE (owner_jid, remote_jid) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY owner_jid, remote_jid FOR UPDATE`,
    [keys.map(([owner]) => owner), keys.map(([, remote]) => remote)],
  );
  return new Map(
    rows.map((row) => [
      entryKey(row.owner_jid, row.remote_jid),
      {
        ...toEntry(row),
        appliedSeq: Number(row.applied_seq),
        appliedEventId: row.applied_event_id!,
      },
    ]),
  );
}

// One statement for the whole batch: every column travels as one array parameter.
async function upsert(manager: EntityManager, entries: readonly AppliedEntry[]): Promise<void> {
  const column = <T>(pick: (entry: AppliedEntry) => T): T[] => entries.map(pick);
  await manager.query(
    `INSERT INTO inbox_entries (${ENTRY_COLUMNS}, applied_seq, applied_event_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[],
       $6::timestamptz[], $7::int[], $8::text[], $9::timestamptz[], $10::bigint[], $11::uuid[])
     ON CONFLICT (owner_jid, remote_jid) DO UPDATE SET
       content = EXCLUDED.content, msg_id = EXCLUDED.msg_id, stanza_id = EXCLUDED.stanza_id,
       last_at = EXCLUDED.last_at, unread_count = EXCLUDED.unread_count, box = EXCLUDED.box,
       muted_until = EXCLUDED.muted_until, applied_seq = EXCLUDED.applied_seq,
       applied_event_id = EXCLUDED.applied_event_id`,
    [
      column((e) => e.ownerJid),
      column((e) => e.remoteJid),
      column((e) => e.content),
      column((e) => e.msgId),
      column((e) => e.stanzaId),
      column((e) => e.lastAt),
      column((e) => e.unreadCount),
      column((e) => e.box),
      column((e) => e.mutedUntil),
      column((e) => String(e.appliedSeq)),
      column((e) => e.appliedEventId),
    ],
  );
}
