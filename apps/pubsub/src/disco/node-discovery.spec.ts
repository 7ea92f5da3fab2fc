import { describe, it, expect, beforeEach } from 'vitest';
import { PEP_NODE_DEFAULTS, SERVICE_NODE_DEFAULTS } from '../forms/node-config';
import { AccessPolicy } from '../pubsub/access-policy';
import { NodeGuard } from '../pubsub/node-guard';
import { PubsubErrorCode } from '../pubsub/pubsub.exception';
import { InMemoryPubsubRecords } from '../testing/in-memory-pubsub.records';
import { FakeRosters, pep, SERVICE } from '../testing/pubsub-harness';
import { NodeDiscovery } from './node-discovery';

const alice = 'alice@example.org';
const bob = 'bob@example.org';

describe('NodeDiscovery', () => {
  let records: InMemoryPubsubRecords;
  let rosters: FakeRosters;
  let sut: NodeDiscovery;

  beforeEach(async () => {
    records = new InMemoryPubsubRecords();
    rosters = new FakeRosters();
    const access = new AccessPolicy(rosters);
    sut = new NodeDiscovery(new NodeGuard(records, access), access, records, records);
    await records.createNode(alice, 'urn:nick', PEP_NODE_DEFAULTS, alice);
    await records.createNode(
      alice,
      'urn:open',
      { ...PEP_NODE_DEFAULTS, accessModel: 'open' },
      alice,
    );
    await records.createNode(
      alice,
      'urn:bookmarks',
      { ...PEP_NODE_DEFAULTS, accessModel: 'whitelist' },
      alice,
    );
    const news = (await records.createNode(
      SERVICE.jid,
      'news',
      { ...SERVICE_NODE_DEFAULTS, title: 'News' },
      alice,
    ))!;
    await records.publish(news.id, { itemId: 'n1', publisher: alice, payload: '' }, 5);
    await records.createNode(
      SERVICE.jid,
      'closed',
      { ...SERVICE_NODE_DEFAULTS, accessModel: 'whitelist' },
      alice,
    );
  });

  const listed = async (host = pep(alice), requester = bob) =>
    (await sut.nodes(host, requester)).getChildren('item').map((item) => item.attrs.node);

  it('lists a PEP account’s nodes the requester may read (XEP-0163 §7)', async () => {
    expect(await listed()).toEqual(['urn:open']);
    rosters.share(alice, bob);
    expect(await listed()).toEqual(['urn:nick', 'urn:open']);
    expect(await listed(pep(alice), alice)).toEqual(['urn:nick', 'urn:open', 'urn:bookmarks']);
    // An account without nodes, or none at all, looks the same.
    expect(await listed(pep('nobody@example.org'))).toEqual([]);
  });

  it('lists the shared service’s open nodes, with their titles', async () => {
    const query = await sut.nodes(SERVICE, bob);
    expect(query.toString()).toBe(
      "<query xmlns='http://jabber.org/protocol/disco#items'><item jid='pubsub.example.org' node='news' name='News'/></query>",
    );
  });

  it('describes a readable node and its items, and hides an unreadable one', async () => {
    const info = await sut.nodeInfo(SERVICE, bob, 'news');
    expect(info.getChild('identity')?.attrs).toEqual({ category: 'pubsub', type: 'leaf' });
    expect(info.getChild('x')?.toString()).toContain('http://jabber.org/protocol/pubsub#meta-data');
    expect(
      (await sut.nodeItems(SERVICE, bob, 'news')).getChildren('item').map((i) => i.attrs),
    ).toEqual([{ jid: 'pubsub.example.org', name: 'n1' }]);
    await expect(sut.nodeInfo(SERVICE, bob, 'closed')).rejects.toMatchObject({
      code: PubsubErrorCode.NodeNotFound,
    });
    await expect(sut.nodeItems(pep(alice), bob, 'urn:bookmarks')).rejects.toMatchObject({
      code: PubsubErrorCode.NodeNotFound,
    });
  });
});
