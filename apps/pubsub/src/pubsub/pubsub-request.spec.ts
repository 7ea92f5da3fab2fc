import { describe, it, expect } from 'vitest';
import { parseFrame, type Element } from '@sotto/xmpp';
import { parseOwnerRequest } from './owner-request';
import { parsePubsubRequest } from './pubsub-request';
import { PubsubErrorCode } from './pubsub.exception';

const limits = { maxStanzaBytes: 65536, maxDepth: 32 };
const pubsub = (inner: string, ns = 'http://jabber.org/protocol/pubsub'): Element =>
  parseFrame(`<pubsub xmlns='${ns}'>${inner}</pubsub>`, limits);
const owner = (inner: string) => pubsub(inner, 'http://jabber.org/protocol/pubsub#owner');

describe('parsePubsubRequest', () => {
  it('reads a publication with its item, payload and publish-options', () => {
    const request = parsePubsubRequest(
      pubsub(
        "<publish node='n'><item id='i1'><entry xmlns='urn:x'>t</entry></item></publish>" +
          "<publish-options><x xmlns='jabber:x:data' type='submit'/></publish-options>",
      ),
      'set',
    );
    expect(request).toMatchObject({ kind: 'publish', node: 'n', item: { id: 'i1' } });
    if (request.kind !== 'publish') {
      throw new Error('not a publication');
    }
    expect(request.item?.payload?.toString()).toBe("<entry xmlns='urn:x'>t</entry>");
    expect(request.item?.ancestors.map((e) => e.name)).toEqual(['item', 'publish', 'pubsub']);
    expect(request.options?.name).toBe('x');
  });

  it('reads a publication without item, or with an item without id or payload', () => {
    expect(parsePubsubRequest(pubsub("<publish node='n'/>"), 'set')).toMatchObject({
      item: undefined,
    });
    expect(
      parsePubsubRequest(pubsub("<publish node='n'><item id=''/></publish>"), 'set'),
    ).toMatchObject({
      item: { id: undefined, payload: undefined },
    });
  });

  it('reads the other entity requests', () => {
    expect(parsePubsubRequest(pubsub('<create/>'), 'set')).toEqual({
      kind: 'create',
      node: undefined,
      config: undefined,
    });
    expect(parsePubsubRequest(pubsub("<create node='n'/><configure/>"), 'set')).toMatchObject({
      kind: 'create',
      node: 'n',
      config: undefined,
    });
    expect(
      parsePubsubRequest(pubsub("<retract node='n' notify='1'><item id='i'/></retract>"), 'set'),
    ).toEqual({
      kind: 'retract',
      node: 'n',
      itemId: 'i',
      notify: true,
    });
    expect(
      parsePubsubRequest(pubsub("<subscribe node='n' jid='a@b'/><options/>"), 'set'),
    ).toMatchObject({
      kind: 'subscribe',
      jid: 'a@b',
      options: undefined,
    });
    expect(
      parsePubsubRequest(pubsub("<unsubscribe node='n' jid='a@b' subid='s'/>"), 'set'),
    ).toEqual({
      kind: 'unsubscribe',
      node: 'n',
      jid: 'a@b',
      subid: 's',
    });
    expect(parsePubsubRequest(pubsub("<options node='n' jid='a@b'/>"), 'get')).toEqual({
      kind: 'options',
      node: 'n',
      jid: 'a@b',
      subid: undefined,
    });
    expect(
      parsePubsubRequest(
        pubsub("<items node='n' max_items='2'><item id='a'/><item id='b'/></items>"),
        'get',
      ),
    ).toEqual({ kind: 'items', node: 'n', maxItems: 2, itemIds: ['a', 'b'] });
    expect(
      parsePubsubRequest(
        pubsub("<items node='n'/><set xmlns='http://jabber.org/protocol/rsm'/>"),
        'get',
      ),
    ).toEqual({ kind: 'items', node: 'n', maxItems: undefined, itemIds: [] });
    expect(parsePubsubRequest(pubsub('<subscriptions/>'), 'get')).toEqual({
      kind: 'subscriptions',
      node: undefined,
    });
    expect(parsePubsubRequest(pubsub("<affiliations node='n'/>"), 'get')).toEqual({
      kind: 'affiliations',
      node: 'n',
    });
    expect(parsePubsubRequest(pubsub('<default/>'), 'get')).toEqual({
      kind: 'default-options',
      node: undefined,
    });
  });

  it.each([
    ['<publish/>', 'set', PubsubErrorCode.NodeIdRequired],
    ["<publish node=''/>", 'set', PubsubErrorCode.NodeIdRequired],
    ["<publish node='n'><item/><item/></publish>", 'set', PubsubErrorCode.InvalidPayload],
    [
      "<publish node='n'><item><a xmlns='urn:a'/><b xmlns='urn:b'/></item></publish>",
      'set',
      PubsubErrorCode.InvalidPayload,
    ],
    ["<publish node='n'><item>text</item></publish>", 'set', PubsubErrorCode.InvalidPayload],
    ["<publish node='n'/><publish-options/>", 'set', PubsubErrorCode.BadRequest],
    ["<publish node='n'/><configure/>", 'set', PubsubErrorCode.BadRequest],
    ["<publish node='n'/>", 'get', PubsubErrorCode.BadRequest],
    ["<retract node='n'/>", 'set', PubsubErrorCode.ItemRequired],
    ["<retract node='n'><item/></retract>", 'set', PubsubErrorCode.ItemRequired],
    ["<retract><item id='i'/></retract>", 'set', PubsubErrorCode.NodeIdRequired],
    ["<subscribe node='n'/>", 'set', PubsubErrorCode.InvalidJid],
    ["<subscribe node='n' jid='a@b'/><options node='n'/>", 'set', PubsubErrorCode.BadRequest],
    ["<options node='n'/>", 'get', PubsubErrorCode.JidRequired],
    ["<options node='n' jid='a@b'/>", 'set', PubsubErrorCode.InvalidOptions],
    ["<items node='n' max_items='0'/>", 'get', PubsubErrorCode.BadRequest],
    ["<items node='n' max_items='many'/>", 'get', PubsubErrorCode.BadRequest],
    ["<items node='n'><item/></items>", 'get', PubsubErrorCode.BadRequest],
    [`<items node='${'n'.repeat(600)}'/>`, 'get', PubsubErrorCode.NotAcceptable],
    [
      `<publish node='n'><item id='${'i'.repeat(1100)}'/></publish>`,
      'set',
      PubsubErrorCode.NotAcceptable,
    ],
    ['', 'get', PubsubErrorCode.BadRequest],
    ["<items node='a'/><items node='b'/>", 'get', PubsubErrorCode.BadRequest],
    ["<unknown node='n'/>", 'get', PubsubErrorCode.BadRequest],
    ["<purge node='n'/>", 'set', PubsubErrorCode.BadRequest],
    ["<items xmlns='urn:other' node='n'/>", 'get', PubsubErrorCode.BadRequest],
  ] as const)('refuses %s (%s) with %s', (inner, type, code) => {
    expect(() => parsePubsubRequest(pubsub(inner), type)).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('refuses a payload that is not <pubsub/>', () => {
    const wrong = parseFrame("<query xmlns='http://jabber.org/protocol/pubsub'/>", limits);
    expect(() => parsePubsubRequest(wrong, 'get')).toThrow(
      expect.objectContaining({ code: PubsubErrorCode.BadRequest }),
    );
  });
});

describe('parseOwnerRequest', () => {
  it('reads the owner requests', () => {
    expect(parseOwnerRequest(owner("<configure node='n'/>"), 'get')).toEqual({
      kind: 'configure',
      node: 'n',
    });
    expect(
      parseOwnerRequest(
        owner("<configure node='n'><x xmlns='jabber:x:data' type='submit'/></configure>"),
        'set',
      ),
    ).toMatchObject({ kind: 'configure', node: 'n', form: { name: 'x' } });
    expect(parseOwnerRequest(owner('<default/>'), 'get')).toEqual({ kind: 'default-config' });
    expect(
      parseOwnerRequest(owner("<delete node='n'><redirect uri='xmpp:x'/></delete>"), 'set'),
    ).toEqual({
      kind: 'delete',
      node: 'n',
      redirect: 'xmpp:x',
    });
    expect(parseOwnerRequest(owner("<purge node='n'/>"), 'set')).toEqual({
      kind: 'purge',
      node: 'n',
    });
    expect(
      parseOwnerRequest(
        owner(
          "<subscriptions node='n'><subscription jid='a@b' subscription='none'/><subscription jid='c@d'/></subscriptions>",
        ),
        'set',
      ),
    ).toEqual({
      kind: 'subscriptions',
      node: 'n',
      changes: [
        { jid: 'a@b', subscription: 'none' },
        { jid: 'c@d', subscription: undefined },
      ],
    });
    expect(
      parseOwnerRequest(
        owner(
          "<affiliations node='n'><affiliation jid='a@b' affiliation='member'/></affiliations>",
        ),
        'set',
      ),
    ).toEqual({
      kind: 'affiliations',
      node: 'n',
      changes: [{ jid: 'a@b', affiliation: 'member' }],
    });
  });

  it.each([
    ["<configure node='n'/>", 'set', PubsubErrorCode.BadRequest],
    ['<configure/>', 'get', PubsubErrorCode.NodeIdRequired],
    ["<delete node='n'/>", 'get', PubsubErrorCode.BadRequest],
    [
      "<affiliations node='n'><affiliation affiliation='member'/></affiliations>",
      'set',
      PubsubErrorCode.BadRequest,
    ],
    [
      "<affiliations node='n'><subscription jid='a@b'/></affiliations>",
      'set',
      PubsubErrorCode.BadRequest,
    ],
    ["<publish node='n'/>", 'set', PubsubErrorCode.BadRequest],
  ] as const)('refuses %s (%s) with %s', (inner, type, code) => {
    expect(() => parseOwnerRequest(owner(inner), type)).toThrow(expect.objectContaining({ code }));
  });
});
