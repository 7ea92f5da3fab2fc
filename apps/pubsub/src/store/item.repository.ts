import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Affiliation } from '../pubsub/affiliation';
import { fromRow, type NodeRow } from './node-rows';
import type { LastItem, Publication, StoredItem } from './pubsub-records';

interface ItemRow {
  item_id: string;
  publisher: string;
  payload: string;
  published_at: Date;
}

const ITEM_COLUMNS = 'item_id, publisher, payload, published_at';

/** The only code that touches `pubsub_items`: the items of persistent nodes. */
@Injectable()
export class ItemRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores an item (replacing one of the same id, which becomes the newest) and drops the
   * oldest beyond `maxItems`. Publications to one node are serialised by a row lock.
   */
  async publish(
    nodeId: string,
    item: { itemId: string; publisher: string; payload: string },
    maxItems: number,
  ): Promise<Publication> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM pubsub_nodes WHERE id = $1 FOR UPDATE`, [nodeId]);
      await manager.query(
        `INSERT INTO pubsub_items (node_id, item_id, publisher, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT pubsub_items_pkey DO UPDATE
           SET publisher = EXCLUDED.publisher, payload = EXCLUDED.payload,
               published_at = now(), position = nextval('pubsub_items_position_seq')`,
        [nodeId, item.itemId, item.publisher, item.payload],
      );
      return { evicted: await trim(manager, nodeId, maxItems) };
    });
  }

  /** Drops the oldest items beyond `maxItems`; returns their ids. */
  async trim(nodeId: string, maxItems: number): Promise<string[]> {
    return this.dataSource.transaction((manager) => trim(manager, nodeId, maxItems));
  }

  async retract(nodeId: string, itemId: string): Promise<boolean> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM pubsub_items WHERE node_id = $1 AND item_id = $2`,
      [nodeId, itemId],
    );
    return result[1] > 0;
  }

  async purge(nodeId: string): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM pubsub_items WHERE node_id = $1`,
      [nodeId],
    );
    return result[1];
  }

  async item(nodeId: string, itemId: string): Promise<StoredItem | undefined> {
    const [row] = await this.dataSource.query<ItemRow[]>(
      `SELECT ${ITEM_COLUMNS} FROM pubsub_items WHERE node_id = $1 AND item_id = $2`,
      [nodeId, itemId],
    );
    return row ? toItem(row) : undefined;
  }

  /** Items by id (those that exist), or the `max` newest, oldest first. */
  async items(nodeId: string, ids: string[], max: number | undefined): Promise<StoredItem[]> {
    const rows =
      ids.length > 0
        ? await this.dataSource.query<ItemRow[]>(
            `SELECT ${ITEM_COLUMNS} FROM pubsub_items WHERE node_id = $1 AND item_id = ANY($2)
             ORDER BY position`,
            [nodeId, ids],
          )
        : await this.dataSource.query<ItemRow[]>(
            `SELECT * FROM (SELECT ${ITEM_COLUMNS}, position FROM pubsub_items
               WHERE node_id = $1 ORDER BY position DESC LIMIT $2) newest
             ORDER BY position`,
            [nodeId, max ?? null],
          );
    return rows.map(toItem);
  }

  async lastItem(nodeId: string): Promise<StoredItem | undefined> {
    return (await this.items(nodeId, [], 1))[0];
  }

  async itemIds(nodeId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ item_id: string }[]>(
      `SELECT item_id FROM pubsub_items WHERE node_id = $1 ORDER BY position`,
      [nodeId],
    );
    return rows.map((row) => row.item_id);
  }

  /**
   * The last item of each of these nodes on these services, where it is to be sent when a
   * subscriber comes online (XEP-0163 §4.3.4), with the user's affiliation to each node.
   */
  async lastItemsOnPresence(
    services: string[],
    nodes: string[],
    user: string,
  ): Promise<LastItem[]> {
    if (services.length === 0 || nodes.length === 0) {
      return [];
    }
    const rows = await this.dataSource.query<
      (NodeRow & ItemRow & { affiliation: string | null })[]
    >(
      `SELECT DISTINCT ON (n.id) n.id, n.service, n.name, n.config, n.created_at,
              i.item_id, i.publisher, i.payload, i.published_at, a.affiliation
       FROM pubsub_nodes n
       JOIN pubsub_items i ON i.node_id = n.id
       LEFT JOIN pubsub_affiliations a ON a.node_id = n.id AND a.jid = $3
       WHERE n.service = ANY($1) AND n.name = ANY($2)
         AND n.config->>'sendLastPublishedItem' = 'on_sub_and_presence'
       ORDER BY n.id, i.position DESC`,
      [services, nodes, user],
    );
    return rows.map((row) => ({
      node: fromRow(row),
      item: toItem(row),
      affiliation: (row.affiliation ?? 'none') as Affiliation,
    }));
  }
}

async function trim(manager: EntityManager, nodeId: string, maxItems: number): Promise<string[]> {
  const rows = await manager.query<[{ item_id: string }[], number]>(
    `DELETE FROM pubsub_items WHERE node_id = $1 AND item_id IN (
       SELECT item_id FROM pubsub_items WHERE node_id = $1 ORDER BY position DESC OFFSET $2)
     RETURNING item_id`,
    [nodeId, maxItems],
  );
  return rows[0].map((row) => row.item_id);
}

function toItem(row: ItemRow): StoredItem {
  return {
    itemId: row.item_id,
    publisher: row.publisher,
    payload: row.payload,
    publishedAt: row.published_at,
  };
}
