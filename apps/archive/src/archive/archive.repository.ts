import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { ArchiveFilter, PageRequest } from '../mam/archive-query';
import type { ArchiveRow, StoredMessage } from './archive-row';
import { ArchivedMessageEntity } from './archived-message.entity';
import { filterConditions, SqlParams } from './filter-sql';

/** The sender of an archived message: the owner for one sent, the other party as it came. */
const SENDER_SQL = `CASE WHEN direction = 'out' THEN owner_jid
                         WHEN with_resource IS NULL THEN with_jid
                         ELSE with_jid || '/' || with_resource END`;

interface StoredRow {
  id: string;
  sent_at: Date;
  stanza: string;
}

/** The only code that touches `archived_messages`. JIDs here are prepared bare JIDs. */
@Injectable()
export class ArchiveRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes rows in one statement; a row already there (a redelivery) is left as it is. */
  async insert(rows: readonly ArchiveRow[]): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO archived_messages
         (owner_jid, id, sent_at, with_jid, with_resource, direction, stanza)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[],
                            $6::text[], $7::text[])
       ON CONFLICT (owner_jid, id) DO NOTHING
       RETURNING 1`,
      [
        rows.map((row) => row.ownerJid),
        rows.map((row) => row.id),
        rows.map((row) => row.sentAt),
        rows.map((row) => row.withJid),
        rows.map((row) => row.withResource),
        rows.map((row) => row.direction),
        rows.map((row) => row.stanza),
      ],
    );
    return inserted.length;
  }

  /** Which of `ids` the owner's archive holds. */
  async existing(owner: string, ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM archived_messages WHERE owner_jid = $1 AND id = ANY($2::uuid[])`,
      [owner, ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Up to `limit` matching messages next to the page's cursor, nearest first: oldest first going
   * forward, newest first going backward.
   */
  async page(
    owner: string,
    filter: ArchiveFilter,
    page: PageRequest,
    limit: number,
  ): Promise<StoredMessage[]> {
    const params = new SqlParams();
    const conditions = filterConditions(owner, filter, params);
    const forward = page.direction === 'forward';
    if (page.cursor !== undefined) {
      conditions.push(`id ${forward ? '>' : '<'} ${params.add(page.cursor, '::uuid')}`);
    }
    const rows = await this.dataSource.query<StoredRow[]>(
      `SELECT id, sent_at, stanza FROM archived_messages
       WHERE ${conditions.join(' AND ')}
       ORDER BY id ${forward ? 'ASC' : 'DESC'}
       LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(toStored);
  }

  /** How many of the owner's messages match `filter` (the RSM count). */
  async count(owner: string, filter: ArchiveFilter): Promise<number> {
    const params = new SqlParams();
    const conditions = filterConditions(owner, filter, params);
    const [row] = await this.indexed((manager) =>
      manager.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM archived_messages WHERE ${conditions.join(' AND ')}`,
        params.values,
      ),
    );
    return row.count;
  }

  /** The oldest and newest message of the owner's archive (XEP-0313 §5 metadata). */
  async bounds(owner: string): Promise<{ first: StoredMessage; last: StoredMessage } | undefined> {
    const rows = await this.dataSource.query<StoredRow[]>(
      `(SELECT id, sent_at, '' AS stanza FROM archived_messages WHERE owner_jid = $1
        ORDER BY id ASC LIMIT 1)
       UNION ALL
       (SELECT id, sent_at, '' AS stanza FROM archived_messages WHERE owner_jid = $1
        ORDER BY id DESC LIMIT 1)`,
      [owner],
    );
    const [first, last] = rows;
    return first === undefined || last === undefined
      ? undefined
      : { first: toStored(first), last: toStored(last) };
  }

  /**
   * The owner's whole archive as the GDPR export shows it (`mam_pm`: id, from, message), as
   * NDJSON bytes straight from PostgreSQL: one `row_to_json` text per line, in archive order. The chunks are
   * the database's: a line may span two of them.
   *
   * Why COPY: the process neither decodes nor builds nor serialises an object per row, and
   * passes the bytes on as they came (for 100 000 messages, about a second of CPU less, on the
   * same cores as the database). COPY takes no parameters, so the owner is an escaped literal.
   * The CSV format with delimiter and quote bytes that JSON text never holds raw (control
   * characters are escaped in it) writes each JSON text as it is, ended by `\n`.
   */
  async *collectNdjson(owner: string): AsyncGenerator<Buffer> {
    const driver = this.dataSource.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [
      PoolClient,
      (error?: Error | boolean) => void,
    ];
    let finished = false;
    try {
      await client.query('BEGIN READ ONLY');
      // The primary key (owner_jid, id) is in archive order: an index scan streams the rows at
      // once. Left to itself the planner picks a parallel bitmap scan and a sort, which spills a
      // 100 000-message archive to disk and sends nothing until it is sorted (twice the time,
      // both cores busy). JIT compiles for longer than this scan runs.
      await client.query(
        'SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; ' +
          'SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off',
      );
      const copy = client.query(
        copyTo(
          `COPY (SELECT row_to_json(r) FROM (
             SELECT id,
                    ${SENDER_SQL} AS "from",
                    stanza AS message
             FROM archived_messages
             WHERE owner_jid = ${client.escapeLiteral(owner)}
             ORDER BY id) r)
           TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`,
        ),
      );
      for await (const chunk of copy) {
        yield chunk as Buffer;
      }
      await client.query('COMMIT');
      finished = true;
    } finally {
      // Failed or stopped half way, the connection may still be in the COPY: it is closed
      // rather than handed back to the pool.
      release(finished ? undefined : new Error('the archive collect did not finish'));
    }
  }

  /** Deletes the owner's whole archive; the number of messages deleted. */
  deleteOwner(owner: string): Promise<number> {
    return this.indexed(async (manager) => {
      let total = 0;
      // Again until nothing is left: rows the clustering sweep rewrote while a statement ran
      // are new versions that statement's snapshot did not see.
      for (;;) {
        const deleted = (await manager.delete(ArchivedMessageEntity, { ownerJid: owner })).affected;
        total += deleted ?? 0;
        if (!deleted) {
          return total;
        }
      }
    });
  }

  /** How many messages with `jid` other owners hold in their archives. */
  async countHeldByOthers(jid: string): Promise<number> {
    const [row] = await this.indexed((manager) =>
      manager.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM archived_messages
         WHERE with_jid = $1 AND owner_jid <> $1`,
        [jid],
      ),
    );
    return row.count;
  }

  /**
   * Rewrites the not yet clustered messages sent before `cutoff` of the next owners after
   * `afterOwner` (about `limit` rows' worth, each owner whole), in owner and archive order, in
   * one statement: each owner's rows of the period end up side by side. Returns how many rows
   * moved and the last owner done (null when none was left).
   */
  async cluster(
    cutoff: Date,
    afterOwner: string,
    limit: number,
  ): Promise<{ moved: number; lastOwner: string | null }> {
    const [row] = await this.dataSource.query<[{ moved: number; last_owner: string | null }]>(
      `WITH owners AS (
         SELECT DISTINCT owner_jid FROM (
           SELECT owner_jid FROM archived_messages
           WHERE NOT clustered AND sent_at < $1 AND owner_jid > $2
           ORDER BY owner_jid
           LIMIT $3) batch
       ), moved AS (
         DELETE FROM archived_messages m USING owners o
         WHERE m.owner_jid = o.owner_jid AND NOT m.clustered AND m.sent_at < $1
         RETURNING m.*
       ), rewritten AS (
         INSERT INTO archived_messages
           (id, sent_at, owner_jid, with_jid, with_resource, direction, stanza, clustered)
         SELECT id, sent_at, owner_jid, with_jid, with_resource, direction, stanza, true
         FROM moved
         ORDER BY owner_jid, id
       )
       SELECT count(*)::int AS moved, max(owner_jid) AS last_owner FROM moved`,
      [cutoff, afterOwner, limit],
    );
    return { moved: row.moved, lastOwner: row.last_owner };
  }

  /**
   * Runs `work` in a transaction whose statements reach one person's rows through the JID-led
   * indexes. For a big archive the planner would otherwise read the whole table (everyone's
   * rows) once the person holds more than a few per cent of it: quicker on a small server, but
   * an erasure or an export would then slow down as other users' archives grow.
   */
  private indexed<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      return work(manager);
    });
  }

  /**
   * Deletes at most `limit` messages archived before `cutoff`, whoever owns them. Small batches
   * by ctid: each statement locks only the rows it deletes, for a moment.
   */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(
        `DELETE FROM archived_messages
         WHERE ctid = ANY(ARRAY(SELECT ctid FROM archived_messages WHERE sent_at < $1 LIMIT $2))`,
        [cutoff, limit],
        true,
      );
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}

function toStored(row: StoredRow): StoredMessage {
  return { id: row.id, sentAt: row.sent_at, stanza: row.stanza };
}
