import { Injectable } from '@nestjs/common';
import { lockKeys } from '@sotto/database';
import { DataSource, MoreThan, type EntityManager } from 'typeorm';
import { OfflineMessageEntity } from './offline-message.entity';

/** One stored message. JIDs are prepared; `owner` is the recipient's bare JID. */
export interface StoredMessage {
  owner: string;
  id: string;
  /** Sequence of the message in the messages stream: stored messages go out in this order. */
  seq: number;
  /** The sender's full JID. */
  sender: string;
  acceptedAt: Date;
  stanza: string;
}

/** The only code that touches the `offline_messages` table. */
@Injectable()
export class OfflineMessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the rows of the owners that `activeAmong` (asked here) says are still active, and
   * returns those owners. The question and the insert run under each owner's erasure lock,
   * which `deleteAll` takes too: a forget either waits for this insert and deletes what it
   * stored, or came first, and then the account was no longer active when asked (an erasure
   * disables the account before any forget). Either way nothing stored here outlives it. One
   * statement for the batch; a message already stored for its owner stays as it is.
   */
  async insertForActive(
    rows: StoredMessage[],
    activeAmong: (owners: string[]) => Promise<Set<string>>,
  ): Promise<Set<string>> {
    if (rows.length === 0) {
      return new Set();
    }
    const owners = [...new Set(rows.map((row) => row.owner))];
    return this.dataSource.transaction(async (manager) => {
      await lockKeys(manager, owners);
      const active = await activeAmong(owners);
      await insertRows(
        manager,
        rows.filter((row) => active.has(row.owner)),
      );
      return active;
    });
  }

  /** The ids among `keys` that are stored already (a redelivered batch). */
  async storedIds(keys: { owner: string; id: string }[]): Promise<Set<string>> {
    if (keys.length === 0) {
      return new Set();
    }
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM offline_messages
       WHERE (owner_jid, id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))`,
      [keys.map((key) => key.owner), keys.map((key) => key.id)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** How many messages each of `owners` has stored (owners with none are left out). */
  async countByOwner(owners: string[]): Promise<Map<string, number>> {
    if (owners.length === 0) {
      return new Map();
    }
    const rows: { owner_jid: string; count: number }[] = await this.dataSource.query(
      `SELECT owner_jid, count(*)::int AS count FROM offline_messages
       WHERE owner_jid = ANY($1::text[]) GROUP BY owner_jid`,
      [owners],
    );
    return new Map(rows.map((row) => [row.owner_jid, row.count]));
  }

  /** Up to `limit` of the owner's messages in stream order, after sequence `afterSeq`. */
  async page(owner: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.dataSource.getRepository(OfflineMessageEntity).find({
      where: { ownerJid: owner, seq: MoreThan(String(afterSeq)) },
      order: { seq: 'ASC' },
      take: limit,
    });
    return rows.map((row) => ({
      owner: row.ownerJid,
      id: row.id,
      seq: Number(row.seq),
      sender: row.senderJid,
      acceptedAt: row.acceptedAt,
      stanza: row.stanza,
    }));
  }

  /** Deletes the owner's messages among `ids`; returns how many there were. */
  async remove(owner: string, ids: string[]): Promise<number> {
    if (ids.length === 0) {
      return 0;
    }
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OfflineMessageEntity)
      .where('owner_jid = :owner AND id = ANY(CAST(:ids AS uuid[]))', { owner, ids })
      .execute();
    return result.affected ?? 0;
  }

  /** Deletes at most `limit` messages accepted before `cutoff`, oldest first; returns how many. */
  async deleteAcceptedBefore(cutoff: Date, limit: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OfflineMessageEntity)
      .where(
        `(owner_jid, id) IN (SELECT owner_jid, id FROM offline_messages
           WHERE accepted_at < :cutoff ORDER BY accepted_at LIMIT :limit)`,
        { cutoff: cutoff.toISOString(), limit },
      )
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Deletes every message waiting for `owner`, and any delivery lease; returns how many. Under
   * the owner's erasure lock: a store that asked whether the owner is active finishes first.
   */
  async deleteAll(owner: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await lockKeys(manager, [owner]);
      await manager.query(`DELETE FROM offline_delivery_leases WHERE owner_jid = $1`, [owner]);
      const result = await manager.getRepository(OfflineMessageEntity).delete({ ownerJid: owner });
      return result.affected ?? 0;
    });
  }

  /**
   * Takes or renews the delivery lease of `owner` for `token` until `ttlMs` from now; false
   * when another token holds an unexpired one. One statement, so two runs racing for the same
   * owner cannot both win.
   */
  async lease(owner: string, token: string, ttlMs: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO offline_delivery_leases (owner_jid, token, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (owner_jid) DO UPDATE
         SET token = excluded.token, expires_at = excluded.expires_at
         WHERE offline_delivery_leases.token = excluded.token
            OR offline_delivery_leases.expires_at < now()
       RETURNING owner_jid`,
      [owner, token, ttlMs],
    );
    return rows.length === 1;
  }

  /** Ends `token`'s lease of `owner`, if it still holds it. */
  async release(owner: string, token: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM offline_delivery_leases WHERE owner_jid = $1 AND token = $2`,
      [owner, token],
    );
  }

  /** Deletes leases whose run ended without releasing them (a gateway that died). */
  async deleteExpiredLeases(): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `DELETE FROM offline_delivery_leases WHERE expires_at < now() RETURNING owner_jid`,
    );
    return rows.length;
  }

  /** How many messages the account `bareJid` sent that wait in other users' storage. */
  async countSentBy(bareJid: string): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM offline_messages
       WHERE split_part(sender_jid, '/', 1) = $1 AND owner_jid <> $1`,
      [bareJid],
    );
    return rows[0]?.count ?? 0;
  }
}

async function insertRows(manager: EntityManager, rows: StoredMessage[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await manager.query(
    `INSERT INTO offline_messages (owner_jid, id, seq, sender_jid, accepted_at, stanza)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[])
     ON CONFLICT (owner_jid, id) DO NOTHING`,
    [
      rows.map((row) => row.owner),
      rows.map((row) => row.id),
      rows.map((row) => row.seq),
      rows.map((row) => row.sender),
      rows.map((row) => row.acceptedAt.toISOString()),
      rows.map((row) => row.stanza),
    ],
  );
}
