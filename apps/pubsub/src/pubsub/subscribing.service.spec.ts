import { describe, it, expect, beforeEach } from 'vitest';
import { PubsubErrorCode } from './pubsub.exception';
import { pep, pubsubUnderTest, SERVICE, submitted } from '../testing/pubsub-harness';

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';
const item = (id: string) =>
  `<publish node='news'><item id='${id}'><p xmlns='urn:p'>${id}</p></item></publish>`;

describe('SubscribingService', () => {
  let t: ReturnType<typeof pubsubUnderTest>;

  beforeEach(async () => {
    t = pubsubUnderTest();
    await t.entity(SERVICE, alice, 'set', "<create node='news'/>");
  });

  it('subscribes once: a second request answers the same subscription', async () => {
    const first = await t.entity(
      SERVICE,
      bob,
      'set',
      "<subscribe node='news' jid='bob@example.org'/>",
    );
    const subscription = first?.getChild('subscription');
    expect(subscription?.attrs).toMatchObject({
      node: 'news',
      jid: bob,
      subscription: 'subscribed',
    });
    const again = await t.entity(
      SERVICE,
      bob,
      'set',
      "<subscribe node='news' jid='Bob@example.org'/>",
    );
    expect(again?.getChild('subscription')?.attrs.subid).toBe(subscription?.attrs.subid);
  });

  it('subscribes with options and answers them', async () => {
    const result = await t.entity(
      SERVICE,
      bob,
      'set',
      "<subscribe node='news' jid='bob@example.org/pc'/><options>" +
        submitted('http://jabber.org/protocol/pubsub#subscribe_options', {
          'pubsub#deliver': '0',
        }) +
        '</options>',
    );
    expect(result?.getChild('options')?.toString()).toContain('<value>0</value>');
    expect(
      t.records.state(SERVICE.jid, 'news')?.subscriptions.get('bob@example.org/pc')?.deliver,
    ).toBe(false);
  });

  it.each([
    ["<subscribe node='news' jid='alice@example.org'/>", PubsubErrorCode.InvalidJid],
    ["<subscribe node='news' jid='@@'/>", PubsubErrorCode.InvalidJid],
    ["<subscribe node='none' jid='bob@example.org'/>", PubsubErrorCode.NodeNotFound],
    ["<unsubscribe node='news' jid='bob@example.org'/>", PubsubErrorCode.NotSubscribed],
    ["<unsubscribe node='news' jid='alice@example.org'/>", PubsubErrorCode.Forbidden],
    ["<unsubscribe node='none' jid='bob@example.org'/>", PubsubErrorCode.NodeNotFound],
  ])('refuses %s', async (inner, code) => {
    await expect(t.entity(SERVICE, bob, 'set', inner)).rejects.toMatchObject({ code });
  });

  it('applies the access model to subscriptions and retrievals', async () => {
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<configure node='news'>${submitted(NODE_CONFIG, { 'pubsub#access_model': 'whitelist' })}</configure>`,
    );
    for (const inner of ["<subscribe node='news' jid='bob@example.org'/>"]) {
      await expect(t.entity(SERVICE, bob, 'set', inner)).rejects.toMatchObject({
        code: PubsubErrorCode.ClosedNode,
      });
    }
    await expect(t.entity(SERVICE, bob, 'get', "<items node='news'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.ClosedNode,
    });
    await t.owner(
      SERVICE,
      alice,
      'set',
      "<affiliations node='news'><affiliation jid='bob@example.org' affiliation='member'/></affiliations>",
    );
    await t.entity(SERVICE, bob, 'get', "<items node='news'/>");
    await t.owner(
      SERVICE,
      alice,
      'set',
      "<affiliations node='news'><affiliation jid='bob@example.org' affiliation='outcast'/></affiliations>",
    );
    await expect(t.entity(SERVICE, bob, 'get', "<items node='news'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.Forbidden,
    });

    await t.entity(
      pep(alice),
      alice,
      'set',
      "<publish node='urn:mood'><item><mood xmlns='urn:mood'/></item></publish>",
    );
    await expect(
      t.entity(pep(alice), bob, 'get', "<items node='urn:mood'/>"),
    ).rejects.toMatchObject({
      code: PubsubErrorCode.PresenceSubscriptionRequired,
    });
    t.rosters.share(alice, bob);
    const items = await t.entity(pep(alice), bob, 'get', "<items node='urn:mood'/>");
    expect(items?.getChild('items')?.getChildren('item')).toHaveLength(1);
  });

  it('retrieves all items, the newest ones, or some by id, oldest first', async () => {
    for (const id of ['a', 'b', 'c']) {
      await t.entity(SERVICE, alice, 'set', item(id));
    }
    const ids = async (inner: string) =>
      (await t.entity(SERVICE, bob, 'get', inner))
        ?.getChild('items')
        ?.getChildren('item')
        .map((i) => i.attrs.id);
    expect(await ids("<items node='news'/>")).toEqual(['a', 'b', 'c']);
    expect(await ids("<items node='news' max_items='2'/>")).toEqual(['b', 'c']);
    expect(await ids("<items node='news'><item id='c'/><item id='zz'/></items>")).toEqual(['c']);
    const full = await t.entity(SERVICE, bob, 'get', "<items node='news'><item id='a'/></items>");
    expect(full?.toString()).toBe(
      "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='news'><item id='a'><p xmlns='urn:p'>a</p></item></items></pubsub>",
    );
    await expect(t.entity(SERVICE, bob, 'get', "<items node='none'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.NodeNotFound,
    });
  });

  it('sends the last item to a new subscriber when the node says so', async () => {
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<configure node='news'>${submitted(NODE_CONFIG, { 'pubsub#send_last_published_item': 'on_sub' })}</configure>`,
    );
    await t.entity(SERVICE, alice, 'set', item('a'));
    await t.entity(SERVICE, alice, 'set', item('b'));
    t.sender.take();
    await t.entity(SERVICE, bob, 'set', "<subscribe node='news' jid='bob@example.org'/>");
    const [last] = t.sender.take();
    expect(last?.to).toBe(bob);
    expect(last?.stanza.toString()).toContain("<item id='b'><p xmlns='urn:p'>b</p></item>");
    expect(last?.stanza.getChild('delay', 'urn:xmpp:delay')).toBeDefined();
  });

  it('gets and sets subscription options, checking JID and subid', async () => {
    const subscribed = await t.entity(
      SERVICE,
      bob,
      'set',
      "<subscribe node='news' jid='bob@example.org'/>",
    );
    const subid = subscribed?.getChild('subscription')?.attrs.subid;
    const form = await t.entity(
      SERVICE,
      bob,
      'get',
      "<options node='news' jid='bob@example.org'/>",
    );
    expect(form?.getChild('options')?.attrs).toEqual({ node: 'news', jid: bob, subid });
    await t.entity(
      SERVICE,
      bob,
      'set',
      `<options node='news' jid='bob@example.org' subid='${subid}'>${submitted('http://jabber.org/protocol/pubsub#subscribe_options', { 'pubsub#deliver': '0' })}</options>`,
    );
    expect(t.records.state(SERVICE.jid, 'news')?.subscriptions.get(bob)?.deliver).toBe(false);
    await expect(
      t.entity(SERVICE, bob, 'get', "<options node='news' jid='bob@example.org' subid='other'/>"),
    ).rejects.toMatchObject({
      code: PubsubErrorCode.InvalidSubid,
    });
    await expect(
      t.entity(SERVICE, bob, 'get', "<options node='news' jid='bob@example.org/x'/>"),
    ).rejects.toMatchObject({
      code: PubsubErrorCode.OptionsNotSubscribed,
    });
    await expect(
      t.entity(SERVICE, bob, 'get', "<options node='news' jid='alice@example.org'/>"),
    ).rejects.toMatchObject({
      code: PubsubErrorCode.Forbidden,
    });
    const unsubscribed = await t.entity(
      SERVICE,
      bob,
      'set',
      `<unsubscribe node='news' jid='bob@example.org' subid='${subid}'/>`,
    );
    expect(unsubscribed?.getChild('subscription')?.attrs.subscription).toBe('none');
  });

  it('lists the requester’s own subscriptions and affiliations on the service', async () => {
    await t.entity(SERVICE, bob, 'set', "<create node='blog'/>");
    await t.entity(SERVICE, bob, 'set', "<subscribe node='news' jid='bob@example.org/pc'/>");
    const subscriptions = await t.entity(SERVICE, bob, 'get', '<subscriptions/>');
    expect(
      subscriptions
        ?.getChild('subscriptions')
        ?.getChildren('subscription')
        .map((s) => [s.attrs.node, s.attrs.jid]),
    ).toEqual([['news', 'bob@example.org/pc']]);
    const affiliations = await t.entity(SERVICE, bob, 'get', '<affiliations/>');
    expect(affiliations?.getChild('affiliations')?.toString()).toBe(
      "<affiliations><affiliation node='blog' affiliation='owner'/></affiliations>",
    );
    const defaults = await t.entity(SERVICE, bob, 'get', "<default node='news'/>");
    expect(defaults?.toString()).toContain("var='pubsub#deliver'");
  });
});
