import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import { dataSourceOptions } from '../database/data-source';
import { PEP_NODE_DEFAULTS, SERVICE_NODE_DEFAULTS } from '../forms/node-config';
import { ItemRepository } from '../store/item.repository';
import { PubsubRepository } from '../store/pubsub.repository';
import { PubsubGdprRepository } from './pubsub-gdpr.repository';

const service = 'pubsub.example.org';
const juliet = 'juliet@example.org';
const romeo = 'romeo@example.org';
const nurse = 'nurse@example.org';
const subid = (n: number) => `7f1c1a52-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('PubsubGdprRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let nodes: PubsubRepository;
  let items: ItemRepository;
  let sut: PubsubGdprRepository;

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('pubsub_gdpr', dataSourceOptions);
    nodes = new PubsubRepository(scratch.dataSource);
    items = new ItemRepository(scratch.dataSource);
    sut = new PubsubGdprRepository(scratch.dataSource);
    // Juliet: two PEP nodes, a shared node Romeo uses, a shared node nobody else uses, an item
    // and a subscription on Romeo's node. Romeo: his own PEP node and shared node.
    const avatar = (await nodes.createNode(
      juliet,
      'urn:xmpp:avatar:metadata',
      PEP_NODE_DEFAULTS,
      juliet,
    ))!;
    await nodes.createNode(juliet, 'http://jabber.org/protocol/nick', PEP_NODE_DEFAULTS, juliet);
    await items.publish(avatar.id, { itemId: 'a1', publisher: juliet, payload: '<m/>' }, 1);
    await nodes.subscribe(avatar.id, romeo, subid(1), true);
    const balcony = (await nodes.createNode(service, 'balcony', SERVICE_NODE_DEFAULTS, juliet))!;
    await items.publish(balcony.id, { itemId: 'b1', publisher: juliet, payload: '<p/>' }, 9);
    await nodes.subscribe(balcony.id, `${romeo}/orchard`, subid(2), true);
    await nodes.subscribe(balcony.id, `${juliet}/phone`, subid(3), true);
    const diary = (await nodes.createNode(service, 'diary', SERVICE_NODE_DEFAULTS, juliet))!;
    await items.publish(diary.id, { itemId: 'd1', publisher: juliet, payload: '<p/>' }, 9);
    await nodes.subscribe(diary.id, juliet, subid(4), false);
    const verona = (await nodes.createNode(service, 'verona', SERVICE_NODE_DEFAULTS, romeo))!;
    await nodes.changeAffiliations(verona.id, [{ jid: juliet, affiliation: 'publisher' }]);
    await items.publish(verona.id, { itemId: 'v1', publisher: juliet, payload: '<p>J</p>' }, 9);
    await items.publish(verona.id, { itemId: 'v2', publisher: romeo, payload: '<p>R</p>' }, 9);
    await nodes.subscribe(verona.id, juliet, subid(5), true);
    await nodes.createNode(romeo, 'urn:xmpp:avatar:metadata', PEP_NODE_DEFAULTS, romeo);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  it('pages through the subject’s owned nodes, published items, subscriptions and affiliations', async () => {
    const owned = await sut.ownedNodes(juliet, '0', 3);
    expect(owned.map((n) => [n.service, n.node])).toEqual([
      [juliet, 'urn:xmpp:avatar:metadata'],
      [juliet, 'http://jabber.org/protocol/nick'],
      [service, 'balcony'],
    ]);
    const rest = await sut.ownedNodes(juliet, owned[2].id, 3);
    expect(rest.map((n) => n.node)).toEqual(['diary']);

    const published = await sut.publishedItems(juliet, { nodeId: '0', itemId: '' }, 10);
    expect(published.map((i) => [i.node, i.itemId])).toEqual([
      ['urn:xmpp:avatar:metadata', 'a1'],
      ['balcony', 'b1'],
      ['diary', 'd1'],
      ['verona', 'v1'],
    ]);
    const after = await sut.publishedItems(
      juliet,
      { nodeId: published[1].nodeId, itemId: 'b1' },
      10,
    );
    expect(after.map((i) => i.itemId)).toEqual(['d1', 'v1']);

    const subscriptions = await sut.subscriptions(juliet, { nodeId: '0', jid: '' }, 10);
    expect(subscriptions.map((s) => [s.node, s.jid, s.deliver])).toEqual([
      ['balcony', `${juliet}/phone`, true],
      ['diary', juliet, false],
      ['verona', juliet, true],
    ]);
    const affiliations = await sut.affiliations(juliet, '0', 10);
    expect(affiliations.map((a) => [a.node, a.affiliation])).toEqual([
      ['urn:xmpp:avatar:metadata', 'owner'],
      ['http://jabber.org/protocol/nick', 'owner'],
      ['balcony', 'owner'],
      ['diary', 'owner'],
      ['verona', 'publisher'],
    ]);
  });

  it('forgets: PEP and unshared nodes go, shared nodes and items on them stay', async () => {
    const forgotten = await sut.forget(juliet, undefined);
    expect(forgotten.nodesDeleted.map((d) => d.node.name).sort()).toEqual([
      'diary',
      'http://jabber.org/protocol/nick',
      'urn:xmpp:avatar:metadata',
    ]);
    // Romeo's subscription to the avatar node is what tells him it is gone.
    expect(
      forgotten.nodesDeleted.find((d) => d.node.name === 'urn:xmpp:avatar:metadata')?.subscribers,
    ).toEqual([romeo]);
    expect(forgotten).toMatchObject({
      nodesKept: 1,
      nodesOrphaned: 1,
      itemsDeleted: 2,
      itemsKept: 2,
      subscriptionsDeleted: 3,
      affiliationsDeleted: 5,
    });
    const balcony = (await nodes.findNode(service, 'balcony'))!;
    expect(await nodes.affiliations(balcony.id)).toEqual([]);
    expect((await nodes.subscriptions(balcony.id)).map((s) => s.jid)).toEqual([`${romeo}/orchard`]);
    expect(await items.itemIds(balcony.id)).toEqual(['b1']);
    const verona = (await nodes.findNode(service, 'verona'))!;
    expect(await nodes.affiliations(verona.id)).toEqual([{ jid: romeo, affiliation: 'owner' }]);
    expect(await items.itemIds(verona.id)).toEqual(['v1', 'v2']);
    expect(await nodes.findNode(romeo, 'urn:xmpp:avatar:metadata')).toBeDefined();
  });

  it('is idempotent, and hands orphaned nodes to the configured owner', async () => {
    const again = await sut.forget(juliet, 'admin@example.org');
    expect(again).toMatchObject({
      nodesDeleted: [],
      nodesKept: 0,
      itemsDeleted: 0,
      itemsKept: 2,
      subscriptionsDeleted: 0,
      affiliationsDeleted: 0,
    });
    const shared = (await nodes.createNode(service, 'shared', SERVICE_NODE_DEFAULTS, nurse))!;
    await nodes.subscribe(shared.id, romeo, subid(6), true);
    expect(await sut.forget(nurse, 'admin@example.org')).toMatchObject({
      nodesKept: 1,
      nodesOrphaned: 1,
    });
    expect(await nodes.affiliations(shared.id)).toEqual([
      { jid: 'admin@example.org', affiliation: 'owner' },
    ]);
  });
});
