import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { PUBSUB_CONFIG, type PubsubConfig } from '../config/pubsub.config';
import { deleteEvent } from '../notifications/events';
import { Notifier } from '../notifications/notifier';
import { PubsubGdprRepository, type Forgotten } from './pubsub-gdpr.repository';
import { preparedSubject } from './subject-jid';

/**
 * What the pubsub service holds about a person: the nodes it owns (its PEP nodes and shared
 * ones), the items it published anywhere, its subscriptions, and its affiliations with nodes.
 */
export const PUBSUB_DATASETS: DatasetDescription[] = [
  { name: 'pubsub_nodes', columns: ['service', 'node', 'config', 'created_at'] },
  { name: 'pubsub_items', columns: ['service', 'node', 'item_id', 'payload', 'published_at'] },
  { name: 'pubsub_subscriptions', columns: ['service', 'node', 'jid', 'subid', 'deliver'] },
  { name: 'pubsub_affiliations', columns: ['service', 'node', 'affiliation'] },
];

export type PubsubRecords = Pick<
  PubsubGdprRepository,
  'ownedNodes' | 'publishedItems' | 'subscriptions' | 'affiliations' | 'forget'
>;

const PAGE_SIZE = 200;

/** The pubsub service's answers to GDPR collect and forget. */
@Injectable()
export class PubsubGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('pubsub-gdpr');
  private readonly orphanOwner: string | undefined;

  constructor(
    @Inject(PubsubGdprRepository) private readonly records: PubsubRecords,
    @Inject(Notifier) private readonly notifier: Pick<Notifier, 'sendTo'>,
    @Inject(PUBSUB_CONFIG) config: Pick<PubsubConfig, 'PUBSUB_ORPHAN_OWNER'>,
  ) {
    this.orphanOwner = config.PUBSUB_ORPHAN_OWNER === '' ? undefined : config.PUBSUB_ORPHAN_OWNER;
  }

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const jid = preparedSubject(subject);
    if (jid === null) {
      return;
    }
    yield* pages(
      'pubsub_nodes',
      '0',
      (after) => this.records.ownedNodes(jid, after, PAGE_SIZE),
      (row) => ({
        cursor: row.id,
        row: {
          service: row.service,
          node: row.node,
          config: JSON.stringify(row.config),
          created_at: row.createdAt.toISOString(),
        },
      }),
    );
    yield* pages(
      'pubsub_items',
      { nodeId: '0', itemId: '' },
      (after) => this.records.publishedItems(jid, after, PAGE_SIZE),
      (row) => ({
        cursor: { nodeId: row.nodeId, itemId: row.itemId },
        row: {
          service: row.service,
          node: row.node,
          item_id: row.itemId,
          payload: row.payload,
          published_at: row.publishedAt.toISOString(),
        },
      }),
    );
    yield* pages(
      'pubsub_subscriptions',
      { nodeId: '0', jid: '' },
      (after) => this.records.subscriptions(jid, after, PAGE_SIZE),
      (row) => ({
        cursor: { nodeId: row.nodeId, jid: row.jid },
        row: {
          service: row.service,
          node: row.node,
          jid: row.jid,
          subid: row.subid,
          deliver: row.deliver,
        },
      }),
    );
    yield* pages(
      'pubsub_affiliations',
      '0',
      (after) => this.records.affiliations(jid, after, PAGE_SIZE),
      (row) => ({
        cursor: row.nodeId,
        row: { service: row.service, node: row.node, affiliation: row.affiliation },
      }),
    );
  }

  /**
   * Deletes the subject's PEP nodes, the shared nodes only it uses, its subscriptions and
   * affiliations; keeps shared nodes others use (without the subject) and the items it
   * published on them. Idempotent: a second run deletes nothing and reports what stays.
   */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const jid = preparedSubject(subject);
    if (jid === null) {
      return report(emptyForget(), this.orphanOwner !== undefined);
    }
    const forgotten = await this.records.forget(jid, this.orphanOwner);
    for (const { node, subscribers } of forgotten.nodesDeleted) {
      if (node.config.notifyDelete) {
        const host = { jid: node.service, pep: node.service.includes('@') };
        for (const subscriber of subscribers) {
          this.notifier.sendTo(host, node, subscriber, deleteEvent(node.name, undefined));
        }
      }
    }
    this.logger.debug(`forgot the pubsub data of ${pseudonym(jid)}`);
    return report(forgotten, this.orphanOwner !== undefined);
  }
}

/** Yields a dataset page by page, following a keyset cursor. */
async function* pages<Row, Cursor>(
  dataset: string,
  start: Cursor,
  page: (after: Cursor) => Promise<Row[]>,
  toRow: (row: Row) => { cursor: Cursor; row: Record<string, unknown> },
): AsyncGenerator<CollectedPage> {
  let after = start;
  for (;;) {
    const rows = (await page(after)).map(toRow);
    if (rows.length > 0) {
      yield { dataset, rows: rows.map((r) => r.row) };
      after = rows[rows.length - 1].cursor;
    }
    if (rows.length < PAGE_SIZE) {
      return;
    }
  }
}

function emptyForget(): Forgotten {
  return {
    nodesDeleted: [],
    nodesKept: 0,
    nodesOrphaned: 0,
    itemsDeleted: 0,
    itemsKept: 0,
    subscriptionsDeleted: 0,
    affiliationsDeleted: 0,
  };
}

function report(forgotten: Forgotten, orphanOwnerSet: boolean): ForgottenDataset[] {
  const nodes: ForgottenDataset = {
    name: 'pubsub_nodes',
    deleted: forgotten.nodesDeleted.length,
    kept: forgotten.nodesKept,
  };
  if (forgotten.nodesKept > 0) {
    const handedOver =
      forgotten.nodesOrphaned === 0
        ? 'their other owners keep them'
        : orphanOwnerSet
          ? `${forgotten.nodesOrphaned} without another owner passed to the configured owner`
          : `${forgotten.nodesOrphaned} without another owner now belong to the service alone`;
    nodes.keptReason =
      `shared nodes that others are affiliated with, subscribed to or published on: kept ` +
      `without the subject's affiliation; ${handedOver}`;
  }
  const items: ForgottenDataset = {
    name: 'pubsub_items',
    deleted: forgotten.itemsDeleted,
    kept: forgotten.itemsKept,
  };
  if (forgotten.itemsKept > 0) {
    items.keptReason =
      'items the subject published on nodes that others own or use belong to those nodes';
  }
  return [
    nodes,
    items,
    { name: 'pubsub_subscriptions', deleted: forgotten.subscriptionsDeleted, kept: 0 },
    { name: 'pubsub_affiliations', deleted: forgotten.affiliationsDeleted, kept: 0 },
  ];
}
