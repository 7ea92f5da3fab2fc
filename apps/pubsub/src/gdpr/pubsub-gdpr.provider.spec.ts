import { describe, it, expect, beforeEach } from 'vitest';
import type { CollectedPage } from '@sotto/gdpr';
import type { Element } from '@sotto/xmpp';
import { PEP_NODE_DEFAULTS } from '../forms/node-config';
import { PubsubGdprProvider, type PubsubRecords } from './pubsub-gdpr.provider';
import type { Forgotten, OwnedNodeRow, PublishedItemRow } from './pubsub-gdpr.repository';

const created = new Date('2026-01-02T03:04:05.000Z');

class FakeRecords implements PubsubRecords {
  nodes: OwnedNodeRow[] = [];
  items: PublishedItemRow[] = [];
  forgotten: Forgotten = {
    nodesDeleted: [],
    nodesKept: 0,
    nodesOrphaned: 0,
    itemsDeleted: 0,
    itemsKept: 0,
    subscriptionsDeleted: 0,
    affiliationsDeleted: 0,
  };
  forgetCalls: [string, string | undefined][] = [];
  async ownedNodes(subject: string, after: string, limit: number) {
    return subject === 'juliet@example.org'
      ? this.nodes.filter((n) => BigInt(n.id) > BigInt(after)).slice(0, limit)
      : [];
  }
  async publishedItems(subject: string, after: { nodeId: string; itemId: string }, limit: number) {
    return subject === 'juliet@example.org'
      ? this.items
          .filter(
            (i) =>
              i.nodeId > after.nodeId || (i.nodeId === after.nodeId && i.itemId > after.itemId),
          )
          .slice(0, limit)
      : [];
  }
  async subscriptions() {
    return [
      {
        nodeId: '1',
        service: 'pubsub.example.org',
        node: 'n',
        jid: 'juliet@example.org/a',
        subid: 's',
        deliver: true,
      },
    ];
  }
  async affiliations() {
    return [{ nodeId: '1', service: 'pubsub.example.org', node: 'n', affiliation: 'owner' }];
  }
  async forget(subject: string, orphanOwner: string | undefined) {
    this.forgetCalls.push([subject, orphanOwner]);
    return this.forgotten;
  }
}

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

describe('PubsubGdprProvider', () => {
  let records: FakeRecords;
  let sent: { to: string; event: Element }[];
  let sut: PubsubGdprProvider;

  beforeEach(() => {
    records = new FakeRecords();
    sent = [];
    const notifier = {
      sendTo: (_host: unknown, _node: unknown, to: string, event: Element) =>
        sent.push({ to, event }),
    };
    sut = new PubsubGdprProvider(records, notifier, { PUBSUB_ORPHAN_OWNER: '' });
  });

  it('collects the four datasets of the prepared subject, page by page', async () => {
    for (let i = 1; i <= 250; i++) {
      records.items.push({
        nodeId: '1',
        service: 'pubsub.example.org',
        node: 'n',
        itemId: `i${String(i).padStart(3, '0')}`,
        payload: '<p/>',
        publishedAt: created,
      });
    }
    records.nodes.push({
      id: '1',
      service: 'juliet@example.org',
      node: 'urn:x',
      config: PEP_NODE_DEFAULTS,
      createdAt: created,
    });
    const pages = await collected(sut.collect('Juliet@example.org'));
    expect(pages.map((p) => [p.dataset, p.rows.length])).toEqual([
      ['pubsub_nodes', 1],
      ['pubsub_items', 200],
      ['pubsub_items', 50],
      ['pubsub_subscriptions', 1],
      ['pubsub_affiliations', 1],
    ]);
    expect(pages[0].rows[0]).toEqual({
      service: 'juliet@example.org',
      node: 'urn:x',
      config: JSON.stringify(PEP_NODE_DEFAULTS),
      created_at: '2026-01-02T03:04:05.000Z',
    });
    expect(new Set(pages.slice(1, 3).flatMap((p) => p.rows.map((r) => r.item_id))).size).toBe(250);
  });

  it('collects nothing for a subject that does not prepare', async () => {
    expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
  });

  it('reports what was deleted and why shared nodes and items were kept', async () => {
    records.forgotten = {
      nodesDeleted: [
        {
          node: {
            id: '1',
            service: 'juliet@example.org',
            name: 'urn:x',
            config: PEP_NODE_DEFAULTS,
            createdAt: created,
          },
          subscribers: ['romeo@example.org'],
        },
      ],
      nodesKept: 2,
      nodesOrphaned: 1,
      itemsDeleted: 3,
      itemsKept: 4,
      subscriptionsDeleted: 5,
      affiliationsDeleted: 6,
    };
    const report = await sut.forget('juliet@example.org');
    expect(records.forgetCalls).toEqual([['juliet@example.org', undefined]]);
    expect(report).toEqual([
      {
        name: 'pubsub_nodes',
        deleted: 1,
        kept: 2,
        keptReason: expect.stringContaining('now belong to the service alone'),
      },
      {
        name: 'pubsub_items',
        deleted: 3,
        kept: 4,
        keptReason: expect.stringContaining('others own or use'),
      },
      { name: 'pubsub_subscriptions', deleted: 5, kept: 0 },
      { name: 'pubsub_affiliations', deleted: 6, kept: 0 },
    ]);
    // The deleted node's subscriber is told (XEP-0060 §8.4.2).
    expect(sent.map((s) => [s.to, s.event.toString()])).toEqual([
      [
        'romeo@example.org',
        "<event xmlns='http://jabber.org/protocol/pubsub#event'><delete node='urn:x'/></event>",
      ],
    ]);
  });

  it('reports zeros for a subject that does not prepare', async () => {
    const report = await sut.forget('ju\u0000liet@example.org');
    expect(report.map((d) => [d.name, d.deleted, d.kept])).toEqual([
      ['pubsub_nodes', 0, 0],
      ['pubsub_items', 0, 0],
      ['pubsub_subscriptions', 0, 0],
      ['pubsub_affiliations', 0, 0],
    ]);
    expect(records.forgetCalls).toEqual([]);
  });
});
