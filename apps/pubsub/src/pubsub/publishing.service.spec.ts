import { describe, it, expect, beforeEach } from 'vitest';
import { PubsubErrorCode } from './pubsub.exception';
import { pep, pubsubUnderTest, SERVICE, submitted } from '../testing/pubsub-harness';

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';
const entry = (text: string) => `<entry xmlns='urn:example'>${text}</entry>`;
const publish = (node: string, item = `<item id='i1'>${entry('hi')}</item>`) =>
  `<publish node='${node}'>${item}</publish>`;
const PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';

describe('PublishingService', () => {
  let t: ReturnType<typeof pubsubUnderTest>;

  beforeEach(async () => {
    t = pubsubUnderTest();
    await t.entity(SERVICE, alice, 'set', "<create node='news'/>");
    await t.entity(SERVICE, bob, 'set', "<subscribe node='news' jid='bob@example.org/phone'/>");
    t.sender.take();
  });

  it('stores an item and notifies each subscriber with its payload, from the service', async () => {
    const result = await t.entity(SERVICE, alice, 'set', publish('news'));
    expect(result?.toString()).toBe(
      "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='news'><item id='i1'/></publish></pubsub>",
    );
    const [sent, ...rest] = t.sender.take();
    expect(rest).toEqual([]);
    expect(sent?.to).toBe('bob@example.org/phone');
    expect(sent?.stanza.attrs).toMatchObject({
      from: 'pubsub.example.org',
      to: 'bob@example.org/phone',
      type: 'headline',
    });
    expect(sent?.stanza.getChildElements()[0]?.toString()).toBe(
      "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='news'>" +
        `<item id='i1'>${entry('hi')}</item></items></event>`,
    );
    expect(t.records.state(SERVICE.jid, 'news')?.items.map((i) => [i.itemId, i.publisher])).toEqual(
      [['i1', alice]],
    );
  });

  it('makes up an item id when the publisher gives none', async () => {
    const result = await t.entity(
      SERVICE,
      alice,
      'set',
      publish('news', `<item>${entry('x')}</item>`),
    );
    const id = result?.getChild('publish')?.getChild('item')?.attrs.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the payload’s namespace declarations from the IQ', async () => {
    await t.entity(
      SERVICE,
      alice,
      'set',
      publish('news', `<item id='p'><e xmlns='urn:e' xmlns:g='urn:g' g:x='1'/></item>`),
    );
    expect(t.records.state(SERVICE.jid, 'news')?.items[0]?.payload).toBe(
      "<e xmlns='urn:e' xmlns:g='urn:g' g:x='1'/>",
    );
  });

  it('drops the oldest items beyond max_items and notifies their retraction', async () => {
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<configure node='news'>${submitted('http://jabber.org/protocol/pubsub#node_config', { 'pubsub#max_items': '2' })}</configure>`,
    );
    for (const id of ['a', 'b', 'c']) {
      await t.entity(
        SERVICE,
        alice,
        'set',
        publish('news', `<item id='${id}'>${entry(id)}</item>`),
      );
    }
    expect(t.records.state(SERVICE.jid, 'news')?.items.map((i) => i.itemId)).toEqual(['b', 'c']);
    const events = t.sender.take().map((s) => s.stanza.getChildElements()[0]?.toString());
    expect(events).toContain(
      "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='news'><retract id='a'/></items></event>",
    );
  });

  it('sends notifications without payload when the node delivers none, and none to who opted out', async () => {
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<configure node='news'>${submitted('http://jabber.org/protocol/pubsub#node_config', { 'pubsub#deliver_payloads': '0' })}</configure>`,
    );
    await t.entity(SERVICE, carol, 'set', "<subscribe node='news' jid='carol@example.org'/>");
    await t.entity(
      SERVICE,
      carol,
      'set',
      `<options node='news' jid='carol@example.org'>${submitted('http://jabber.org/protocol/pubsub#subscribe_options', { 'pubsub#deliver': 'false' })}</options>`,
    );
    t.sender.take();
    await t.entity(SERVICE, alice, 'set', publish('news'));
    const sent = t.sender.take();
    expect(sent.map((s) => s.to)).toEqual(['bob@example.org/phone']);
    expect(sent[0]?.stanza.getChildElements()[0]?.toString()).toContain("<item id='i1'/>");
  });

  it('honours the publish model', async () => {
    await expect(t.entity(SERVICE, bob, 'set', publish('news'))).rejects.toMatchObject({
      code: PubsubErrorCode.Forbidden,
    });
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<configure node='news'>${submitted('http://jabber.org/protocol/pubsub#node_config', { 'pubsub#publish_model': 'subscribers' })}</configure>`,
    );
    await expect(t.entity(SERVICE, carol, 'set', publish('news'))).rejects.toMatchObject({
      code: PubsubErrorCode.Forbidden,
    });
    await t.entity(SERVICE, bob, 'set', "<subscribe node='news' jid='bob@example.org'/>");
    await t.entity(SERVICE, bob, 'set', publish('news'));
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<affiliations node='news'><affiliation jid='carol@example.org' affiliation='publish-only'/></affiliations>`,
    );
    await t.entity(SERVICE, carol, 'set', publish('news', `<item id='c1'>${entry('c')}</item>`));
  });

  it.each([
    ["<publish node='news'/>", PubsubErrorCode.ItemRequired],
    ["<publish node='news'><item id='x'/></publish>", PubsubErrorCode.PayloadRequired],
    [publish('news', `<item>${entry('x'.repeat(2000))}</item>`), PubsubErrorCode.PayloadTooBig],
    [publish('nowhere'), PubsubErrorCode.NodeNotFound],
  ])('refuses %s', async (inner, code) => {
    await expect(t.entity(SERVICE, alice, 'set', inner)).rejects.toMatchObject({ code });
  });

  it('on a transient notification-only node: no item may be given, subscribers learn of the event', async () => {
    await t.owner(
      SERVICE,
      alice,
      'set',
      `<configure node='news'>${submitted('http://jabber.org/protocol/pubsub#node_config', { 'pubsub#persist_items': '0', 'pubsub#deliver_payloads': '0' })}</configure>`,
    );
    await expect(t.entity(SERVICE, alice, 'set', publish('news'))).rejects.toMatchObject({
      code: PubsubErrorCode.ItemForbidden,
    });
    await t.entity(SERVICE, alice, 'set', "<publish node='news'/>");
    expect(t.sender.take().map((s) => s.stanza.getChildElements()[0]?.toString())).toEqual([
      "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='news'/></event>",
    ]);
    await expect(
      t.entity(SERVICE, alice, 'set', "<retract node='news'><item id='x'/></retract>"),
    ).rejects.toMatchObject({
      code: PubsubErrorCode.Unsupported,
      feature: 'persistent-items',
    });
  });

  it('checks publish-options preconditions against an existing node', async () => {
    const options = (fields: Record<string, string>) =>
      `<publish-options>${submitted(PUBLISH_OPTIONS, fields)}</publish-options>`;
    await t.entity(
      SERVICE,
      alice,
      'set',
      publish('news') + options({ 'pubsub#access_model': 'open' }),
    );
    await expect(
      t.entity(
        SERVICE,
        alice,
        'set',
        publish('news') + options({ 'pubsub#access_model': 'whitelist' }),
      ),
    ).rejects.toMatchObject({ code: PubsubErrorCode.PreconditionNotMet });
  });

  describe('on a PEP service', () => {
    it('creates the node on first publication, with the PEP defaults and the publish-options', async () => {
      t.rosters.share(alice, bob);
      await t.entity(
        pep(alice),
        alice,
        'set',
        publish(
          'http://jabber.org/protocol/nick',
          "<item><nick xmlns='http://jabber.org/protocol/nick'>Al</nick></item>",
        ),
      );
      expect(t.records.state(alice, 'http://jabber.org/protocol/nick')?.node.config).toMatchObject({
        accessModel: 'presence',
        maxItems: 1,
        sendLastPublishedItem: 'on_sub_and_presence',
      });
      // The owner's resources and the contact's, filtered by +notify; from the owner's bare JID.
      const sent = t.sender.take();
      expect(sent.map((s) => [s.to, s.notify, s.stanza.attrs.from])).toEqual([
        [alice, 'http://jabber.org/protocol/nick', alice],
        [bob, 'http://jabber.org/protocol/nick', alice],
      ]);

      await t.entity(
        pep(alice),
        alice,
        'set',
        publish(
          'urn:xmpp:bookmarks:1',
          "<item id='room@muc.example.org'><conference xmlns='urn:xmpp:bookmarks:1'/></item>",
        ) +
          `<publish-options>${submitted(PUBLISH_OPTIONS, { 'pubsub#access_model': 'whitelist', 'pubsub#max_items': 'max', 'pubsub#persist_items': 'true' })}</publish-options>`,
      );
      expect(t.records.state(alice, 'urn:xmpp:bookmarks:1')?.node.config).toMatchObject({
        accessModel: 'whitelist',
        maxItems: 'max',
      });
      // Bookmarks are the owner's alone.
      expect(t.sender.take().map((s) => s.to)).toEqual([alice]);
    });

    it('lets only the account publish, and refuses a precondition the node does not meet', async () => {
      await expect(t.entity(pep(alice), bob, 'set', publish('urn:x'))).rejects.toMatchObject({
        code: PubsubErrorCode.Forbidden,
      });
      await t.entity(pep(alice), alice, 'set', publish('urn:x'));
      await expect(t.entity(pep(alice), bob, 'set', publish('urn:x'))).rejects.toMatchObject({
        code: PubsubErrorCode.Forbidden,
      });
      await expect(
        t.entity(
          pep(alice),
          alice,
          'set',
          publish('urn:x') +
            `<publish-options>${submitted(PUBLISH_OPTIONS, { 'pubsub#access_model': 'whitelist' })}</publish-options>`,
        ),
      ).rejects.toMatchObject({ code: PubsubErrorCode.PreconditionNotMet });
    });

    it('notifies roster-model nodes only to contacts in the allowed groups', async () => {
      t.rosters.share(alice, bob, ['Friends']);
      t.rosters.share(alice, carol, ['Work']);
      await t.entity(
        pep(alice),
        alice,
        'set',
        "<create node='urn:geo'/><configure>" +
          submitted('http://jabber.org/protocol/pubsub#node_config', {
            'pubsub#access_model': 'roster',
            'pubsub#roster_groups_allowed': 'Friends',
          }) +
          '</configure>',
      );
      await t.entity(pep(alice), alice, 'set', publish('urn:geo'));
      expect(t.sender.take().map((s) => s.to)).toEqual([alice, bob]);
    });
  });

  describe('retract', () => {
    beforeEach(async () => {
      await t.owner(
        SERVICE,
        alice,
        'set',
        "<affiliations node='news'><affiliation jid='carol@example.org' affiliation='publish-only'/><affiliation jid='bob@example.org' affiliation='publisher'/></affiliations>",
      );
      await t.entity(SERVICE, alice, 'set', publish('news', `<item id='a'>${entry('a')}</item>`));
      await t.entity(SERVICE, carol, 'set', publish('news', `<item id='c'>${entry('c')}</item>`));
      t.sender.take();
    });

    it('removes the item and notifies the retraction', async () => {
      await t.entity(SERVICE, carol, 'set', "<retract node='news'><item id='c'/></retract>");
      expect(t.records.state(SERVICE.jid, 'news')?.items.map((i) => i.itemId)).toEqual(['a']);
      expect(t.sender.take().map((s) => s.stanza.getChildElements()[0]?.toString())).toEqual([
        "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='news'><retract id='c'/></items></event>",
      ]);
    });

    it('lets a publish-only entity retract its own items only, a publisher any', async () => {
      await expect(
        t.entity(SERVICE, carol, 'set', "<retract node='news'><item id='a'/></retract>"),
      ).rejects.toMatchObject({
        code: PubsubErrorCode.Forbidden,
      });
      await t.entity(SERVICE, bob, 'set', "<retract node='news'><item id='a'/></retract>");
      await expect(
        t.entity(
          SERVICE,
          'dave@example.org',
          'set',
          "<retract node='news'><item id='c'/></retract>",
        ),
      ).rejects.toMatchObject({
        code: PubsubErrorCode.Forbidden,
      });
      await expect(
        t.entity(SERVICE, alice, 'set', "<retract node='news'><item id='gone'/></retract>"),
      ).rejects.toMatchObject({
        code: PubsubErrorCode.ItemNotFound,
      });
    });
  });
});
