import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NodeConfig } from '../forms/node-config';
import { likeEscape } from '../store/node-rows';
import type { StoredNode } from '../store/pubsub-records';

export interface OwnedNodeRow {
  id: string;
  service: string;
  node: string;
  config: NodeConfig;
  createdAt: Date;
}
export interface PublishedItemRow {
  nodeId: string;
  service: string;
  node: string;
  itemId: string;
  payload: string;
  publishedAt: Date;
}
export interface SubscriptionRow {
  nodeId: string;
  service: string;
  node: string;
  jid: string;
  subid: string;
  deliver: boolean;
}
export interface AffiliationRow {
  nodeId: string;
  service: string;
  node: string;
  affiliation: string;
}

/** A node deleted with the subject's data, and who was subscribed to it (to tell them). */
export interface DeletedNode {
  node: StoredNode;
  subscribers: string[];
}

/** What forgetting a subject did to the pubsub tables. */
export interface Forgotten {
  nodesDeleted: DeletedNode[];
  /** Shared nodes the subject owned that others use, kept. */
  nodesKept: number;
  /** Of those, nodes left without any owner: handed to `orphanOwner`, or to the service. */
  nodesOrphaned: number;
  itemsDeleted: number;
  /** Items the subject published on nodes that remain. */
  itemsKept: number;
  subscriptionsDeleted: number;
  affiliationsDeleted: number;
}

/** Pages of a subject's rows for collect, and the forget transaction. JIDs are prepared. */
@Injectable()
export class PubsubGdprRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Nodes the subject owns, PEP and shared, after node id `after`. */
  async ownedNodes(subject: string, after: string, limit: number): Promise<OwnedNodeRow[]> {
    const rows = await this.dataSource.query<
      { id: string; service: string; node: string; config: unknown; created_at: Date }[]
    >(
      `SELECT n.id, n.service, n.name AS node, n.config, n.created_at
       FROM pubsub_nodes n JOIN pubsub_affiliations a ON a.node_id = n.id
       WHERE a.jid = $1 AND a.affiliation = 'owner' AND n.id > $2
       ORDER BY n.id LIMIT $3`,
      [subject, after, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      service: row.service,
      node: row.node,
      config: NodeConfig.parse(row.config),
      createdAt: row.created_at,
    }));
  }

  /** Items the subject published, anywhere, after (node id, item id). */
  async publishedItems(
    subject: string,
    after: { nodeId: string; itemId: string },
    limit: number,
  ): Promise<PublishedItemRow[]> {
    return this.dataSource.query<PublishedItemRow[]>(
      `SELECT i.node_id AS "nodeId", n.service, n.name AS node, i.item_id AS "itemId",
              i.payload, i.published_at AS "publishedAt"
       FROM pubsub_items i JOIN pubsub_nodes n ON n.id = i.node_id
       WHERE i.publisher = $1 AND (i.node_id, i.item_id) > ($2::bigint, $3::text)
       ORDER BY i.node_id, i.item_id LIMIT $4`,
      [subject, after.nodeId, after.itemId, limit],
    );
  }

  /** The subject's subscriptions (bare JID and full JIDs), after (node id, jid). */
  async subscriptions(
    subject: string,
    after: { nodeId: string; jid: string },
    limit: number,
  ): Promise<SubscriptionRow[]> {
    return this.dataSource.query<SubscriptionRow[]>(
      `SELECT s.node_id AS "nodeId", n.service, n.name AS node, s.jid, s.subid, s.deliver
       FROM pubsub_subscriptions s JOIN pubsub_nodes n ON n.id = s.node_id
       WHERE (s.jid = $1 OR s.jid LIKE $2) AND (s.node_id, s.jid) > ($3::bigint, $4::text)
       ORDER BY s.node_id, s.jid LIMIT $5`,
      [subject, `${likeEscape(subject)}/%`, after.nodeId, after.jid, limit],
    );
  }

  /** The subject's affiliations, after node id `after`. */
  async affiliations(subject: string, after: string, limit: number): Promise<AffiliationRow[]> {
    return this.dataSource.query<AffiliationRow[]>(
      `SELECT a.node_id AS "nodeId", n.service, n.name AS node, a.affiliation
       FROM pubsub_affiliations a JOIN pubsub_nodes n ON n.id = a.node_id
       WHERE a.jid = $1 AND a.node_id > $2
       ORDER BY a.node_id LIMIT $3`,
      [subject, after, limit],
    );
  }

  /**
   * Forgets a subject in one transaction: deletes its PEP nodes and the shared nodes it owns
   * that nobody else uses (affiliation, subscription or item of another), with everything in
   * them; keeps the other shared nodes, handing those left ownerless to `orphanOwner` (or to
   * the service when there is none); then deletes every remaining subscription and affiliation
   * of the subject. Items it published on nodes that remain stay.
   */
  async forget(subject: string, orphanOwner: string | undefined): Promise<Forgotten> {
    const pattern = `${likeEscape(subject)}/%`;
    return this.dataSource.transaction(async (manager) => {
      const owned = await manager.query<{ id: string; service: string; shared: boolean }[]>(
        `SELECT n.id, n.service,
                n.service <> $1 AND (
                  EXISTS (SELECT 1 FROM pubsub_affiliations o WHERE o.node_id = n.id AND o.jid <> $1)
                  OR EXISTS (SELECT 1 FROM pubsub_subscriptions s
                             WHERE s.node_id = n.id AND s.jid <> $1 AND s.jid NOT LIKE $2)
                  OR EXISTS (SELECT 1 FROM pubsub_items i WHERE i.node_id = n.id AND i.publisher <> $1)
                ) AS shared
         FROM pubsub_nodes n
         WHERE n.service = $1 OR EXISTS (SELECT 1 FROM pubsub_affiliations a
                 WHERE a.node_id = n.id AND a.jid = $1 AND a.affiliation = 'owner')
         FOR UPDATE OF n`,
        [subject, pattern],
      );
      const doomed = owned.filter((n) => !n.shared).map((n) => n.id);
      const kept = owned.filter((n) => n.shared).map((n) => n.id);
      const subscriptionsDeleted = await count(
        manager,
        `SELECT count(*)::int AS count FROM pubsub_subscriptions WHERE jid = $1 OR jid LIKE $2`,
        [subject, pattern],
      );
      const affiliationsDeleted = await count(
        manager,
        `SELECT count(*)::int AS count FROM pubsub_affiliations WHERE jid = $1`,
        [subject],
      );
      const itemsDeleted = await count(
        manager,
        `SELECT count(*)::int AS count FROM pubsub_items WHERE node_id = ANY($1::bigint[])`,
        [doomed],
      );
      const nodesDeleted = await deletedNodes(manager, doomed, subject, pattern);
      await manager.query(`DELETE FROM pubsub_nodes WHERE id = ANY($1::bigint[])`, [doomed]);
      await manager.query(`DELETE FROM pubsub_subscriptions WHERE jid = $1 OR jid LIKE $2`, [
        subject,
        pattern,
      ]);
      await manager.query(`DELETE FROM pubsub_affiliations WHERE jid = $1`, [subject]);
      const orphans = await manager.query<{ id: string }[]>(
        `SELECT id FROM pubsub_nodes n WHERE id = ANY($1::bigint[]) AND NOT EXISTS (
           SELECT 1 FROM pubsub_affiliations a WHERE a.node_id = n.id AND a.affiliation = 'owner')`,
        [kept],
      );
      if (orphanOwner !== undefined && orphans.length > 0) {
        await manager.query(
          `INSERT INTO pubsub_affiliations (node_id, jid, affiliation)
           SELECT unnest($1::bigint[]), $2, 'owner'
           ON CONFLICT ON CONSTRAINT pubsub_affiliations_pkey DO UPDATE SET affiliation = 'owner'`,
          [orphans.map((o) => o.id), orphanOwner],
        );
      }
      const itemsKept = await count(
        manager,
        `SELECT count(*)::int AS count FROM pubsub_items WHERE publisher = $1`,
        [subject],
      );
      return {
        nodesDeleted,
        nodesKept: kept.length,
        nodesOrphaned: orphans.length,
        itemsDeleted,
        itemsKept,
        subscriptionsDeleted,
        affiliationsDeleted,
      };
    });
  }
}

async function count(manager: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  const [row] = await manager.query<{ count: number }[]>(sql, parameters);
  return row?.count ?? 0;
}

async function deletedNodes(
  manager: EntityManager,
  ids: string[],
  subject: string,
  pattern: string,
): Promise<DeletedNode[]> {
  const rows = await manager.query<
    {
      id: string;
      service: string;
      name: string;
      config: unknown;
      created_at: Date;
      subscribers: string[];
    }[]
  >(
    `SELECT n.id, n.service, n.name, n.config, n.created_at,
            COALESCE(array_agg(s.jid) FILTER (WHERE s.jid IS NOT NULL), '{}') AS subscribers
     FROM pubsub_nodes n
     LEFT JOIN pubsub_subscriptions s ON s.node_id = n.id AND s.jid <> $2 AND s.jid NOT LIKE $3
     WHERE n.id = ANY($1::bigint[])
     GROUP BY n.id`,
    [ids, subject, pattern],
  );
  return rows.map((row) => ({
    node: {
      id: row.id,
      service: row.service,
      name: row.name,
      config: NodeConfig.parse(row.config),
      createdAt: row.created_at,
    },
    subscribers: row.subscribers,
  }));
}
