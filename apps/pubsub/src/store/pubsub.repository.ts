import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NodeConfig } from '../forms/node-config';
import type { Affiliation } from '../pubsub/affiliation';
import { fromRow, likeEscape, type NodeRow } from './node-rows';
import { AffiliationEntity } from './affiliation.entity';
import { NodeEntity } from './node.entity';
import type {
  AffiliationEntry,
  StoredNode,
  StoredSubscription,
  UserAffiliation,
  UserSubscription,
} from './pubsub-records';
import { SubscriptionEntity } from './subscription.entity';

// A user's subscriptions are under the bare JID or one of its full JIDs.
const OF_USER = `(s.jid = $2 OR s.jid LIKE $3)`;

/** The only code that touches the pubsub tables. JIDs here are prepared. */
@Injectable()
export class PubsubRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findNode(service: string, name: string): Promise<StoredNode | undefined> {
    const row = await this.dataSource.getRepository(NodeEntity).findOneBy({ service, name });
    return row ? toNode(row) : undefined;
  }

  /** Creates a node owned by `owner`; undefined when the service has one of that name. */
  async createNode(
    service: string,
    name: string,
    config: NodeConfig,
    owner: string,
  ): Promise<StoredNode | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<NodeRow[]>(
        `INSERT INTO pubsub_nodes (service, name, config) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT pubsub_nodes_service_name_key DO NOTHING
         RETURNING id, service, name, config, created_at`,
        [service, name, JSON.stringify(config)],
      );
      if (rows.length === 0) {
        return undefined;
      }
      await manager.getRepository(AffiliationEntity).insert({
        nodeId: rows[0].id,
        jid: owner,
        affiliation: 'owner',
      });
      return fromRow(rows[0]);
    });
  }

  async updateConfig(nodeId: string, config: NodeConfig): Promise<void> {
    await this.dataSource.query(`UPDATE pubsub_nodes SET config = $2 WHERE id = $1`, [
      nodeId,
      JSON.stringify(config),
    ]);
  }

  /** Deletes a node with its items, subscriptions and affiliations. */
  async deleteNode(nodeId: string): Promise<void> {
    await this.dataSource.getRepository(NodeEntity).delete({ id: nodeId });
  }

  async affiliationOf(nodeId: string, jid: string): Promise<Affiliation> {
    const row = await this.dataSource.getRepository(AffiliationEntity).findOneBy({ nodeId, jid });
    return row?.affiliation ?? 'none';
  }

  async affiliations(nodeId: string): Promise<AffiliationEntry[]> {
    const rows = await this.dataSource
      .getRepository(AffiliationEntity)
      .find({ where: { nodeId }, order: { jid: 'ASC' } });
    return rows.map(({ jid, affiliation }) => ({ jid, affiliation }));
  }

  /**
   * Applies affiliation changes at once ("none" removes); an outcast also loses its
   * subscriptions. Nothing changes, and false is returned, when the node would be left
   * without an owner.
   */
  async changeAffiliations(
    nodeId: string,
    changes: { jid: string; affiliation: Affiliation }[],
  ): Promise<boolean> {
    return this.dataSource
      .transaction(async (manager) => {
        const repository = manager.getRepository(AffiliationEntity);
        for (const { jid, affiliation } of changes) {
          if (affiliation === 'none') {
            await repository.delete({ nodeId, jid });
          } else {
            await repository.upsert({ nodeId, jid, affiliation }, ['nodeId', 'jid']);
          }
          if (affiliation === 'outcast') {
            await deleteUserSubscriptions(manager, nodeId, jid);
          }
        }
        const owners = await repository.countBy({ nodeId, affiliation: 'owner' });
        if (owners === 0) {
          throw new NoOwnerLeft();
        }
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof NoOwnerLeft) {
          return false;
        }
        throw error;
      });
  }

  async subscription(nodeId: string, jid: string): Promise<StoredSubscription | undefined> {
    const row = await this.dataSource.getRepository(SubscriptionEntity).findOneBy({ nodeId, jid });
    return row ? { jid: row.jid, subid: row.subid, deliver: row.deliver } : undefined;
  }

  async subscriptions(nodeId: string): Promise<StoredSubscription[]> {
    const rows = await this.dataSource
      .getRepository(SubscriptionEntity)
      .find({ where: { nodeId }, order: { jid: 'ASC' } });
    return rows.map(({ jid, subid, deliver }) => ({ jid, subid, deliver }));
  }

  /** Subscribes `jid` (keeping the subscription it has) and sets its delivery option. */
  async subscribe(
    nodeId: string,
    jid: string,
    subid: string,
    deliver: boolean,
  ): Promise<StoredSubscription> {
    const [row] = await this.dataSource.query<{ jid: string; subid: string; deliver: boolean }[]>(
      `INSERT INTO pubsub_subscriptions (node_id, jid, subid, deliver) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT pubsub_subscriptions_pkey DO UPDATE SET deliver = EXCLUDED.deliver
       RETURNING jid, subid, deliver`,
      [nodeId, jid, subid, deliver],
    );
    return row;
  }

  /** Removes the subscriptions of these JIDs; returns how many there were. */
  async unsubscribe(nodeId: string, jids: string[]): Promise<number> {
    if (jids.length === 0) {
      return 0;
    }
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(SubscriptionEntity)
      .where('node_id = :nodeId AND jid IN (:...jids)', { nodeId, jids })
      .execute();
    return result.affected ?? 0;
  }

  /** The subscriptions of a user (bare JID and its full JIDs) on one service's nodes. */
  async userSubscriptions(
    service: string,
    user: string,
    node: string | undefined,
  ): Promise<UserSubscription[]> {
    return this.dataSource.query<UserSubscription[]>(
      `SELECT n.name AS node, s.jid, s.subid, s.deliver
       FROM pubsub_subscriptions s JOIN pubsub_nodes n ON n.id = s.node_id
       WHERE n.service = $1 AND ${OF_USER} AND ($4::text IS NULL OR n.name = $4)
       ORDER BY n.name, s.jid`,
      [service, user, `${likeEscape(user)}/%`, node ?? null],
    );
  }

  async userAffiliations(
    service: string,
    user: string,
    node: string | undefined,
  ): Promise<UserAffiliation[]> {
    return this.dataSource.query<UserAffiliation[]>(
      `SELECT n.name AS node, a.affiliation
       FROM pubsub_affiliations a JOIN pubsub_nodes n ON n.id = a.node_id
       WHERE n.service = $1 AND a.jid = $2 AND ($3::text IS NULL OR n.name = $3)
       ORDER BY n.name`,
      [service, user, node ?? null],
    );
  }

  /** Every node of a (PEP) service, with one user's affiliation to each. */
  async nodesWithAffiliation(
    service: string,
    user: string,
  ): Promise<{ node: StoredNode; affiliation: Affiliation }[]> {
    const rows = await this.dataSource.query<(NodeRow & { affiliation: Affiliation | null })[]>(
      `SELECT n.id, n.service, n.name, n.config, n.created_at, a.affiliation
       FROM pubsub_nodes n
       LEFT JOIN pubsub_affiliations a ON a.node_id = n.id AND a.jid = $2
       WHERE n.service = $1
       ORDER BY n.name
       LIMIT 1000`,
      [service, user],
    );
    return rows.map((row) => ({ node: fromRow(row), affiliation: row.affiliation ?? 'none' }));
  }

  /**
   * The nodes of a service one user may see listed: open ones and those the user is affiliated
   * with (other than as outcast). Presence and roster nodes stay unlisted unless affiliated.
   */
  async visibleNodes(service: string, user: string): Promise<StoredNode[]> {
    const rows = await this.dataSource.query<NodeRow[]>(
      `SELECT n.id, n.service, n.name, n.config, n.created_at
       FROM pubsub_nodes n
       LEFT JOIN pubsub_affiliations a ON a.node_id = n.id AND a.jid = $2
       WHERE n.service = $1
         AND (a.affiliation IN ('owner', 'publisher', 'member')
              OR (a.affiliation IS NULL AND n.config->>'accessModel' = 'open'))
       ORDER BY n.name
       LIMIT 1000`,
      [service, user],
    );
    return rows.map(fromRow);
  }
}

class NoOwnerLeft extends Error {}

async function deleteUserSubscriptions(
  manager: EntityManager,
  nodeId: string,
  user: string,
): Promise<void> {
  await manager.query(`DELETE FROM pubsub_subscriptions s WHERE s.node_id = $1 AND ${OF_USER}`, [
    nodeId,
    user,
    `${likeEscape(user)}/%`,
  ]);
}

function toNode(entity: NodeEntity): StoredNode {
  return {
    id: entity.id,
    service: entity.service,
    name: entity.name,
    config: NodeConfig.parse(entity.config),
    createdAt: entity.createdAt,
  };
}
