import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import { dataSourceOptions } from '../database/data-source';
import { PEP_NODE_DEFAULTS, SERVICE_NODE_DEFAULTS } from '../forms/node-config';
import { ItemRepository } from './item.repository';
import { PubsubRepository } from './pubsub.repository';

const service = 'pubsub.example.org';
const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';

describe('PubsubRepository and ItemRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let sut: PubsubRepository;
  let items: ItemRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('pubsub', dataSourceOptions);
    sut = new PubsubRepository(scratch.dataSource);
    items = new ItemRepository(scratch.dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  it('creates a node once per service and name, with its creator as owner', async () => {
    const node = await sut.createNode(service, 'news', SERVICE_NODE_DEFAULTS, alice);
    expect(node).toMatchObject({ service, name: 'news', config: SERVICE_NODE_DEFAULTS });
    expect(await sut.createNode(service, 'news', SERVICE_NODE_DEFAULTS, bob)).toBeUndefined();
    // The same name on another service (a PEP account) is another node.
    expect(await sut.createNode(alice, 'news', PEP_NODE_DEFAULTS, alice)).toBeDefined();
    expect(await sut.findNode(service, 'news')).toEqual(node);
    expect(await sut.affiliationOf(node!.id, alice)).toBe('owner');
    expect(await sut.affiliationOf(node!.id, bob)).toBe('none');
  });

  it('updates the configuration', async () => {
    const node = (await sut.findNode(service, 'news'))!;
    await sut.updateConfig(node.id, { ...node.config, title: 'News', maxItems: 'max' });
    expect((await sut.findNode(service, 'news'))?.config).toMatchObject({
      title: 'News',
      maxItems: 'max',
    });
  });

  it('keeps the newest items up to max_items, a republished item becoming the newest', async () => {
    const node = (await sut.createNode(service, 'feed', SERVICE_NODE_DEFAULTS, alice))!;
    const publish = (itemId: string, payload = `<p xmlns='urn:x'>${itemId}</p>`) =>
      items.publish(node.id, { itemId, publisher: alice, payload }, 3);
    expect(await publish('a')).toEqual({ evicted: [] });
    await publish('b');
    await publish('c');
    expect(await publish('a', `<p xmlns='urn:x'>A</p>`)).toEqual({ evicted: [] });
    expect(await publish('d')).toEqual({ evicted: ['b'] });
    expect((await items.items(node.id, [], undefined)).map((i) => i.itemId)).toEqual([
      'c',
      'a',
      'd',
    ]);
    expect((await items.items(node.id, [], 2)).map((i) => i.itemId)).toEqual(['a', 'd']);
    expect((await items.items(node.id, ['d', 'zz', 'c'], undefined)).map((i) => i.itemId)).toEqual([
      'c',
      'd',
    ]);
    expect(await items.item(node.id, 'a')).toMatchObject({
      publisher: alice,
      payload: `<p xmlns='urn:x'>A</p>`,
    });
    expect((await items.lastItem(node.id))?.itemId).toBe('d');
    expect(await items.trim(node.id, 1)).toEqual(expect.arrayContaining(['c', 'a']));
    expect(await items.itemIds(node.id)).toEqual(['d']);
    expect(await items.retract(node.id, 'd')).toBe(true);
    expect(await items.retract(node.id, 'd')).toBe(false);
    await publish('e');
    await publish('f');
    expect(await items.purge(node.id)).toBe(2);
    expect(await items.items(node.id, [], undefined)).toEqual([]);
  });

  it('subscribes once per JID, keeping the subid, and finds a user’s subscriptions', async () => {
    const node = (await sut.findNode(service, 'news'))!;
    const first = await sut.subscribe(node.id, bob, '0b6e6f3e-4a63-4c4b-9d0a-000000000001', true);
    const again = await sut.subscribe(node.id, bob, '0b6e6f3e-4a63-4c4b-9d0a-000000000002', false);
    expect(again).toEqual({ ...first, deliver: false });
    await sut.subscribe(node.id, `${bob}/phone`, '0b6e6f3e-4a63-4c4b-9d0a-000000000003', true);
    // A JID whose local part holds LIKE's wildcards matches nobody else's.
    await sut.subscribe(node.id, 'b%b@example.org', '0b6e6f3e-4a63-4c4b-9d0a-000000000004', true);
    expect((await sut.userSubscriptions(service, bob, undefined)).map((s) => s.jid)).toEqual([
      bob,
      `${bob}/phone`,
    ]);
    expect(await sut.userSubscriptions(service, bob, 'other')).toEqual([]);
    expect(await sut.userSubscriptions(service, 'b%b@example.org', 'news')).toHaveLength(1);
    expect(await sut.unsubscribe(node.id, [`${bob}/phone`, 'nobody@example.org'])).toBe(1);
    expect((await sut.subscriptions(node.id)).map((s) => s.jid)).toEqual(['b%b@example.org', bob]);
  });

  it('changes affiliations together, never leaving a node without owner', async () => {
    const node = (await sut.findNode(service, 'news'))!;
    expect(
      await sut.changeAffiliations(node.id, [
        { jid: carol, affiliation: 'publisher' },
        { jid: alice, affiliation: 'none' },
      ]),
    ).toBe(false);
    expect(await sut.affiliations(node.id)).toEqual([{ jid: alice, affiliation: 'owner' }]);
    expect(
      await sut.changeAffiliations(node.id, [
        { jid: carol, affiliation: 'owner' },
        { jid: alice, affiliation: 'none' },
        { jid: bob, affiliation: 'outcast' },
      ]),
    ).toBe(true);
    expect(await sut.affiliations(node.id)).toEqual([
      { jid: bob, affiliation: 'outcast' },
      { jid: carol, affiliation: 'owner' },
    ]);
    // An outcast loses its subscriptions.
    expect((await sut.subscriptions(node.id)).map((s) => s.jid)).toEqual(['b%b@example.org']);
    expect(await sut.userAffiliations(service, carol, undefined)).toEqual([
      { node: 'news', affiliation: 'owner' },
    ]);
  });

  it('lists the nodes a user may see: open ones and those it is affiliated with', async () => {
    const closed = (await sut.createNode(
      service,
      'closed',
      { ...SERVICE_NODE_DEFAULTS, accessModel: 'whitelist' },
      alice,
    ))!;
    await sut.changeAffiliations(closed.id, [{ jid: carol, affiliation: 'member' }]);
    const names = async (user: string) =>
      (await sut.visibleNodes(service, user)).map((n) => n.name);
    expect(await names(carol)).toEqual(['closed', 'feed', 'news']);
    expect(await names(alice)).toEqual(['closed', 'feed', 'news']);
    expect(await names(bob)).toEqual(['feed']);
    const all = await sut.nodesWithAffiliation(service, carol);
    expect(all.map((n) => [n.node.name, n.affiliation])).toEqual([
      ['closed', 'member'],
      ['feed', 'none'],
      ['news', 'owner'],
    ]);
  });

  it('finds the last item of nodes sent on presence, with the reader’s affiliation', async () => {
    const avatar = (await sut.createNode(bob, 'urn:xmpp:avatar:metadata', PEP_NODE_DEFAULTS, bob))!;
    const silent = (await sut.createNode(
      bob,
      'urn:xmpp:bookmarks:1',
      { ...PEP_NODE_DEFAULTS, sendLastPublishedItem: 'never' },
      bob,
    ))!;
    await items.publish(avatar.id, { itemId: 'v1', publisher: bob, payload: '<m/>' }, 5);
    await items.publish(avatar.id, { itemId: 'v2', publisher: bob, payload: '<m/>' }, 5);
    await items.publish(silent.id, { itemId: 'room', publisher: bob, payload: '<c/>' }, 5);
    await sut.changeAffiliations(avatar.id, [{ jid: alice, affiliation: 'member' }]);
    const last = await items.lastItemsOnPresence(
      [bob, carol],
      ['urn:xmpp:avatar:metadata', 'urn:xmpp:bookmarks:1', 'news'],
      alice,
    );
    expect(last.map((l) => [l.node.name, l.item.itemId, l.affiliation])).toEqual([
      ['urn:xmpp:avatar:metadata', 'v2', 'member'],
    ]);
    expect(await items.lastItemsOnPresence([], ['x'], alice)).toEqual([]);
  });

  it('deletes a node with everything in it', async () => {
    const node = (await sut.findNode(service, 'feed'))!;
    await items.publish(node.id, { itemId: 'x', publisher: alice, payload: '' }, 5);
    await sut.subscribe(node.id, carol, '0b6e6f3e-4a63-4c4b-9d0a-000000000005', true);
    await sut.deleteNode(node.id);
    expect(await sut.findNode(service, 'feed')).toBeUndefined();
    expect(await sut.userSubscriptions(service, carol, 'feed')).toEqual([]);
    expect(await items.items(node.id, [], undefined)).toEqual([]);
  });
});
