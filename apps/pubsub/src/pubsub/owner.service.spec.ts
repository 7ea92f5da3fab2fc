import { describe, it, expect, beforeEach } from 'vitest';
import { PubsubErrorCode } from './pubsub.exception';
import { pep, pubsubUnderTest, SERVICE, submitted } from '../testing/pubsub-harness';

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';
const NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';
const configure = (fields: Record<string, string>) =>
  `<configure node='news'>${submitted(NODE_CONFIG, fields)}</configure>`;
const events = (sent: { stanza: { getChildElements(): { toString(): string }[] } }[]) =>
  sent.map((s) => s.stanza.getChildElements()[0]?.toString());

describe('OwnerService', () => {
  let t: ReturnType<typeof pubsubUnderTest>;

  beforeEach(async () => {
    t = pubsubUnderTest();
    await t.entity(SERVICE, alice, 'set', "<create node='news'/>");
    await t.entity(SERVICE, bob, 'set', "<subscribe node='news' jid='bob@example.org'/>");
    t.sender.take();
  });

  it('creates named and instant nodes, with or without a configuration', async () => {
    await expect(t.entity(SERVICE, bob, 'set', "<create node='news'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.NodeExists,
    });
    const instant = await t.entity(SERVICE, bob, 'set', '<create/>');
    const name = instant?.getChild('create')?.attrs.node;
    expect(name).toMatch(/^[0-9a-f-]{36}$/);
    await t.entity(
      SERVICE,
      bob,
      'set',
      `<create node='closed'/><configure>${submitted(NODE_CONFIG, { 'pubsub#access_model': 'whitelist' })}</configure>`,
    );
    expect(t.records.state(SERVICE.jid, 'closed')?.node.config.accessModel).toBe('whitelist');
    await expect(
      t.entity(
        SERVICE,
        bob,
        'set',
        `<create node='bad'/><configure>${submitted(NODE_CONFIG, { 'pubsub#access_model': 'authorize' })}</configure>`,
      ),
    ).rejects.toMatchObject({ code: PubsubErrorCode.UnsupportedAccessModel });
    expect(t.records.state(SERVICE.jid, 'bad')).toBeUndefined();
    await expect(t.entity(pep(alice), bob, 'set', "<create node='urn:x'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.Forbidden,
    });
  });

  it('lets only owners configure, delete, purge and manage a node', async () => {
    for (const [type, inner] of [
      ['get', "<configure node='news'/>"],
      ['set', configure({ 'pubsub#title': 'Mine' })],
      ['set', "<delete node='news'/>"],
      ['set', "<purge node='news'/>"],
      ['get', "<subscriptions node='news'/>"],
      ['get', "<affiliations node='news'/>"],
      [
        'set',
        "<affiliations node='news'><affiliation jid='bob@example.org' affiliation='owner'/></affiliations>",
      ],
    ] as const) {
      await expect(t.owner(SERVICE, bob, type, inner)).rejects.toMatchObject({
        code: PubsubErrorCode.Forbidden,
      });
    }
    await expect(t.owner(SERVICE, alice, 'get', "<configure node='none'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.NodeNotFound,
    });
    expect(t.records.state(SERVICE.jid, 'news')?.node.config.title).toBe('');
  });

  it('answers the configuration form and applies a submitted one, telling subscribers', async () => {
    const form = await t.owner(SERVICE, alice, 'get', "<configure node='news'/>");
    expect(form?.toString()).toContain("<field var='pubsub#access_model' type='list-single'");
    await t.owner(
      SERVICE,
      alice,
      'set',
      configure({ 'pubsub#notify_config': '1', 'pubsub#title': 'News' }),
    );
    const [notice] = events(t.sender.take());
    expect(notice).toContain("<configuration node='news'><x xmlns='jabber:x:data' type='result'>");
    expect(notice).toContain('<value>News</value>');
    await expect(
      t.owner(SERVICE, alice, 'set', configure({ 'pubsub#max_items': 'plenty' })),
    ).rejects.toMatchObject({
      code: PubsubErrorCode.BadRequest,
    });
    const defaults = await t.owner(SERVICE, alice, 'get', '<default/>');
    expect(defaults?.toString()).toContain('<value>open</value>');
  });

  it('drops the subscriptions an access change no longer allows, telling the subscriber', async () => {
    await t.owner(SERVICE, alice, 'set', configure({ 'pubsub#access_model': 'whitelist' }));
    expect(t.records.state(SERVICE.jid, 'news')?.subscriptions.size).toBe(0);
    expect(events(t.sender.take())).toEqual([
      expect.stringContaining(`<subscription node='news' jid='${bob}' subscription='none'`),
    ]);
  });

  it('forgets stored items when the node stops persisting them', async () => {
    await t.entity(
      SERVICE,
      alice,
      'set',
      "<publish node='news'><item id='a'><p xmlns='urn:p'/></item></publish>",
    );
    await t.owner(SERVICE, alice, 'set', configure({ 'pubsub#persist_items': '0' }));
    expect(t.records.state(SERVICE.jid, 'news')?.items).toEqual([]);
    await expect(t.owner(SERVICE, alice, 'set', "<purge node='news'/>")).rejects.toMatchObject({
      code: PubsubErrorCode.Unsupported,
    });
  });

  it('purges and deletes, notifying subscribers', async () => {
    await t.entity(
      SERVICE,
      alice,
      'set',
      "<publish node='news'><item id='a'><p xmlns='urn:p'/></item></publish>",
    );
    t.sender.take();
    await t.owner(SERVICE, alice, 'set', "<purge node='news'/>");
    await t.owner(
      SERVICE,
      alice,
      'set',
      "<delete node='news'><redirect uri='xmpp:pubsub.example.org?;node=blog'/></delete>",
    );
    expect(events(t.sender.take())).toEqual([
      "<event xmlns='http://jabber.org/protocol/pubsub#event'><purge node='news'/></event>",
      "<event xmlns='http://jabber.org/protocol/pubsub#event'><delete node='news'><redirect uri='xmpp:pubsub.example.org?;node=blog'/></delete></event>",
    ]);
    expect(t.records.state(SERVICE.jid, 'news')).toBeUndefined();
  });

  it('lists and changes subscriptions', async () => {
    const list = await t.owner(SERVICE, alice, 'get', "<subscriptions node='news'/>");
    expect(
      list
        ?.getChild('subscriptions')
        ?.getChildren('subscription')
        .map((s) => s.attrs.jid),
    ).toEqual([bob]);
    await t.owner(
      SERVICE,
      alice,
      'set',
      "<subscriptions node='news'><subscription jid='bob@example.org' subscription='none'/><subscription jid='carol@example.org' subscription='subscribed'/></subscriptions>",
    );
    expect([...(t.records.state(SERVICE.jid, 'news')?.subscriptions.keys() ?? [])]).toEqual([
      carol,
    ]);
    expect(
      t.sender
        .take()
        .map((s) => [
          s.to,
          s.stanza.getChildElements()[0]?.getChildElements()[0]?.attrs.subscription,
        ]),
    ).toEqual([
      [bob, 'none'],
      [carol, 'subscribed'],
    ]);
    await expect(
      t.owner(
        SERVICE,
        alice,
        'set',
        "<subscriptions node='news'><subscription jid='bob@example.org' subscription='pending'/></subscriptions>",
      ),
    ).rejects.toMatchObject({ code: PubsubErrorCode.NotAcceptable });
  });

  it('changes affiliations, keeping an owner, each JID once, a PEP node its account’s', async () => {
    await t.owner(
      SERVICE,
      alice,
      'set',
      "<affiliations node='news'><affiliation jid='bob@example.org/pc' affiliation='publisher'/></affiliations>",
    );
    const list = await t.owner(SERVICE, alice, 'get', "<affiliations node='news'/>");
    expect(
      list
        ?.getChild('affiliations')
        ?.getChildren('affiliation')
        .map((a) => [a.attrs.jid, a.attrs.affiliation]),
    ).toEqual([
      [alice, 'owner'],
      [bob, 'publisher'],
    ]);
    for (const [inner, code] of [
      ["<affiliation jid='alice@example.org' affiliation='none'/>", PubsubErrorCode.NotAcceptable],
      ["<affiliation jid='carol@example.org' affiliation='boss'/>", PubsubErrorCode.NotAcceptable],
      [
        "<affiliation jid='carol@example.org' affiliation='member'/><affiliation jid='carol@example.org' affiliation='none'/>",
        PubsubErrorCode.BadRequest,
      ],
    ] as const) {
      await expect(
        t.owner(SERVICE, alice, 'set', `<affiliations node='news'>${inner}</affiliations>`),
      ).rejects.toMatchObject({ code });
    }
    await t.owner(
      SERVICE,
      alice,
      'set',
      "<affiliations node='news'><affiliation jid='bob@example.org' affiliation='owner'/><affiliation jid='alice@example.org' affiliation='none'/></affiliations>",
    );
    await expect(
      t.owner(SERVICE, alice, 'get', "<affiliations node='news'/>"),
    ).rejects.toMatchObject({ code: PubsubErrorCode.Forbidden });

    await t.entity(pep(alice), alice, 'set', "<create node='urn:x'/>");
    await expect(
      t.owner(
        pep(alice),
        alice,
        'set',
        "<affiliations node='urn:x'><affiliation jid='bob@example.org' affiliation='owner'/></affiliations>",
      ),
    ).rejects.toMatchObject({ code: PubsubErrorCode.NotAcceptable });
    await t.owner(
      pep(alice),
      alice,
      'set',
      "<affiliations node='urn:x'><affiliation jid='bob@example.org' affiliation='member'/></affiliations>",
    );
  });
});
