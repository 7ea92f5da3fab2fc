import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml, type XmlElement } from '@xmpp/client';
import type * as XMPP from 'stanza';
import { createAccount, type TestAccount } from './support/accounts';
import { stanzaError, stanzaSession, type StanzaSession } from './support/stanza-events';
import { connectXmpp, type XmppSession } from './support/xmpp-session';

const [gatewayA, gatewayB] = inject('gateways');
const SERVICE = 'pubsub.localhost';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_EVENT = 'http://jabber.org/protocol/pubsub#event';
const NS_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_JSON = 'urn:xmpp:json:0';
const PUBSUB_EVENTS = [
  'pubsub:published',
  'pubsub:retracted',
  'pubsub:purged',
  'pubsub:deleted',
  'pubsub:config',
  'pubsub:subscription',
  'subscribe',
  'roster:update',
] as const;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function stanzaLogin(account: TestAccount, url = gatewayB!.ws): Promise<StanzaSession> {
  return stanzaSession(account, { url, events: PUBSUB_EVENTS }, cleanups);
}

async function login(account: TestAccount, service = gatewayA!.ws): Promise<XmppSession> {
  const session = await connectXmpp({ service, account });
  cleanups.push(() => session.stop());
  return session;
}

const nodeName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const json = (text: string) => ({ itemType: NS_JSON, json: { text } });
const form = (type: 'submit', formType: string, fields: Record<string, string | string[]>) => ({
  type,
  fields: [
    { name: 'FORM_TYPE', type: 'hidden' as const, value: formType },
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
  ],
});
const nodeConfig = (fields: Record<string, string | string[]>) =>
  form('submit', `${NS_PUBSUB}#node_config`, fields);

type Published = {
  pubsub: {
    items: { node: string; published: { id?: string; content?: { json?: { text?: string } } }[] };
  };
};
type Retracted = { pubsub: { items: { node: string; retracted: string[] } } };
type NodeEvent = { pubsub: { purge?: { node?: string }; delete?: { node?: string } } };
const onNode = (node: string) => (event: Published | Retracted) => event.pubsub.items.node === node;

/** The `<event/>` of the first message from the service about `node` that matches. */
function pubsubEvent(session: XmppSession, node: string, child: string): Promise<XmlElement> {
  return session
    .next((s) => {
      const event = s.is('message') ? s.getChild('event', NS_EVENT) : undefined;
      const about = event?.getChild(child);
      return s.attrs.from === SERVICE && about?.attrs.node === node;
    })
    .then((message) => message.getChild('event', NS_EVENT)!);
}

const pubsubIq = (type: 'get' | 'set', ...children: XmlElement[]) =>
  xml('iq', { type, to: SERVICE }, xml('pubsub', { xmlns: NS_PUBSUB }, ...children));

/** The defined and pubsub#errors conditions of a refused @xmpp/client request. */
async function xmppError(request: Promise<unknown>): Promise<string[]> {
  try {
    await request;
  } catch (error) {
    const element = (error as { element?: XmlElement }).element;
    return (element?.children ?? [])
      .filter((c): c is XmlElement => typeof c !== 'string')
      .filter((c) => c.attrs.xmlns === NS_STANZAS || c.attrs.xmlns === NS_ERRORS)
      .filter((c) => c.name !== 'text')
      .map((c) => (c.attrs.feature ? `${c.name}:${c.attrs.feature}` : c.name));
  }
  return ['no error'];
}

describe('PubSub service discovery (XEP-0060 §5)', () => {
  it('the server lists the service; the service says what it is and lists its open nodes', async () => {
    const alice = await createAccount('ps-disco');
    const a = await stanzaLogin(alice);
    const items = await a.client.getDiscoItems('localhost');
    expect(items.items.map((item) => item.jid)).toContain(SERVICE);

    const info = await a.client.getDiscoInfo(SERVICE);
    expect(info.identities).toContainEqual(
      expect.objectContaining({ category: 'pubsub', type: 'service' }),
    );
    expect(info.features).toEqual(
      expect.arrayContaining([
        NS_PUBSUB,
        `${NS_PUBSUB}#create-nodes`,
        `${NS_PUBSUB}#publish`,
        `${NS_PUBSUB}#publish-options`,
        `${NS_PUBSUB}#access-whitelist`,
        `${NS_PUBSUB}#retrieve-items`,
      ]),
    );

    const node = nodeName('disco');
    await a.client.createNode(SERVICE, node, nodeConfig({ 'pubsub#title': 'Disco news' }));
    const closed = nodeName('closed');
    await a.client.createNode(SERVICE, closed, nodeConfig({ 'pubsub#access_model': 'whitelist' }));
    await a.client.publish(SERVICE, node, json('one'), 'first');

    const bob = await createAccount('ps-disco');
    const b = await stanzaLogin(bob, gatewayA!.ws);
    const listed = (await b.client.getDiscoItems(SERVICE)).items;
    expect(listed).toContainEqual(
      expect.objectContaining({ jid: SERVICE, node, name: 'Disco news' }),
    );
    expect(listed.map((i) => i.node)).not.toContain(closed);

    const nodeInfo = await b.client.getDiscoInfo(SERVICE, node);
    expect(nodeInfo.identities).toContainEqual(
      expect.objectContaining({ category: 'pubsub', type: 'leaf' }),
    );
    const metadata = nodeInfo.extensions?.find((x) =>
      x.fields?.some((f) => f.name === 'FORM_TYPE' && f.value === `${NS_PUBSUB}#meta-data`),
    );
    expect(metadata?.fields).toContainEqual(
      expect.objectContaining({ name: 'pubsub#title', value: 'Disco news' }),
    );
    const nodeItems = await b.client.getDiscoItems(SERVICE, node);
    expect(nodeItems.items.map((i) => i.name)).toEqual(['first']);
    // A node the requester may not read is not disclosed.
    expect(await stanzaError(b.client.getDiscoInfo(SERVICE, closed))).toMatchObject({
      condition: 'item-not-found',
    });
  });
});

describe('PubSub node lifecycle (XEP-0060 §6-8)', () => {
  it('create, configure, publish and retract with notifications to two subscribers on two gateways, purge, delete', async () => {
    const owner = await createAccount('ps-owner');
    const reader = await createAccount('ps-reader');
    const watcher = await createAccount('ps-watcher');
    const o = await stanzaLogin(owner, gatewayA!.ws);
    const r = await stanzaLogin(reader, gatewayB!.ws);
    const w = await login(watcher, gatewayA!.ws);
    const node = nodeName('life');

    const created = await o.client.createNode(
      SERVICE,
      node,
      nodeConfig({ 'pubsub#max_items': '2' }),
    );
    expect(created.node).toBe(node);
    expect(await stanzaError(o.client.createNode(SERVICE, node))).toMatchObject({
      condition: 'conflict',
    });
    const config = await o.client.getNodeConfig(SERVICE, node);
    expect(config.fields).toContainEqual(
      expect.objectContaining({ name: 'pubsub#max_items', value: '2' }),
    );
    await o.client.configureNode(SERVICE, node, nodeConfig({ 'pubsub#title': 'Lifecycle' }));
    expect((await o.client.getNodeConfig(SERVICE, node)).fields).toContainEqual(
      expect.objectContaining({ name: 'pubsub#title', value: 'Lifecycle' }),
    );

    // StanzaJS subscribes with the bare JID, @xmpp/client with its full JID.
    const subscription = await r.client.subscribeToNode(SERVICE, node);
    expect(subscription).toMatchObject({ node, state: 'subscribed' });
    const subscribed = await w.xmpp.iqCaller.request(
      pubsubIq('set', xml('subscribe', { node, jid: w.jid })),
    );
    expect(subscribed.getChild('pubsub', NS_PUBSUB)?.getChild('subscription')?.attrs).toMatchObject(
      {
        node,
        jid: w.jid,
        subscription: 'subscribed',
      },
    );

    await o.client.publish(SERVICE, node, json('first'), 'item-1');
    const seen = await r.next<Published>('pubsub:published', onNode(node));
    expect(seen.pubsub.items.published).toEqual([
      expect.objectContaining({
        id: 'item-1',
        content: expect.objectContaining({ json: { text: 'first' } }),
      }),
    ]);
    const raw = await pubsubEvent(w, node, 'items');
    expect(raw.getChild('items')?.getChild('item')?.attrs.id).toBe('item-1');

    const second = await o.client.publish(SERVICE, node, json('second'));
    const generatedId = (second.pubsub as { publish?: { item?: { id?: string } } } | undefined)
      ?.publish?.item?.id;
    expect(generatedId).toMatch(/.+/);
    await r.next<Published>('pubsub:published', onNode(node));
    await o.client.publish(SERVICE, node, json('third'), 'item-3');
    await r.next<Published>('pubsub:published', onNode(node));
    // max_items 2: the oldest went, and subscribers were told (notify_retract).
    const evicted = await r.next<Retracted>('pubsub:retracted', onNode(node));
    expect(evicted.pubsub.items.retracted).toEqual(['item-1']);
    const all = await r.client.getItems(SERVICE, node);
    expect(all.items?.map((item) => item.id)).toEqual([generatedId, 'item-3']);
    const newest = await r.client.getItems(SERVICE, node, { max: 1 });
    expect(newest.items?.map((item) => item.id)).toEqual(['item-3']);
    expect((await r.client.getItem(SERVICE, node, 'item-3')).content).toMatchObject({
      json: { text: 'third' },
    });

    await o.client.retract(SERVICE, node, 'item-3', true);
    const retracted = await r.next<Retracted>(
      'pubsub:retracted',
      (e) => e.pubsub.items.retracted[0] === 'item-3',
    );
    expect(retracted.pubsub.items.node).toBe(node);
    // The watcher on the other gateway saw the same, the eviction and the retraction included.
    const retractionOf = (id: string) => (m: XmlElement) =>
      m.attrs.from === SERVICE &&
      m.getChild('event', NS_EVENT)?.getChild('items')?.getChild('retract')?.attrs.id === id;
    expect(
      (await w.next(retractionOf('item-1'))).getChild('event', NS_EVENT)?.getChild('items')?.attrs
        .node,
    ).toBe(node);
    await w.next(retractionOf('item-3'));

    await o.client.purgeNode(SERVICE, node);
    await r.next<NodeEvent>('pubsub:purged', (e) => e.pubsub.purge?.node === node);
    expect((await r.client.getItems(SERVICE, node)).items ?? []).toEqual([]);

    await w.xmpp.iqCaller.request(pubsubIq('set', xml('unsubscribe', { node, jid: w.jid })));
    await o.client.deleteNode(SERVICE, node);
    await r.next<NodeEvent>('pubsub:deleted', (e) => e.pubsub.delete?.node === node);
    expect(await stanzaError(r.client.getItems(SERVICE, node))).toMatchObject({
      condition: 'item-not-found',
    });
  });
});

describe('PubSub access models (XEP-0060 §4.5)', () => {
  it('refuses subscriptions and retrievals the access model does not allow', async () => {
    const owner = await createAccount('ps-acl');
    const friend = await createAccount('ps-acl');
    const stranger = await createAccount('ps-acl');
    const o = await stanzaLogin(owner, gatewayA!.ws);
    const f = await stanzaLogin(friend, gatewayB!.ws);
    // StanzaJS does not read pubsub#errors conditions: raw requests show them.
    const fx = await login(friend, gatewayA!.ws);
    const sx = await login(stranger, gatewayB!.ws);
    const subscribe = (session: XmppSession, node: string) =>
      xmppError(
        session.xmpp.iqCaller.request(
          pubsubIq('set', xml('subscribe', { node, jid: session.jid.split('/')[0] })),
        ),
      );
    const items = (session: XmppSession, node: string) =>
      xmppError(session.xmpp.iqCaller.request(pubsubIq('get', xml('items', { node }))));
    const create = async (fields: Record<string, string | string[]>) => {
      const node = nodeName('acl');
      await o.client.createNode(SERVICE, node, nodeConfig(fields));
      await o.client.publish(SERVICE, node, json('secret'), 'only');
      return node;
    };

    const whitelist = await create({ 'pubsub#access_model': 'whitelist' });
    expect(await subscribe(sx, whitelist)).toEqual(['not-allowed', 'closed-node']);
    expect(await items(sx, whitelist)).toEqual(['not-allowed', 'closed-node']);
    await o.client.updateNodeAffiliations(SERVICE, whitelist, [
      { jid: friend.jid, affiliation: 'member' },
      { jid: stranger.jid, affiliation: 'outcast' },
    ]);
    expect((await f.client.getItems(SERVICE, whitelist)).items?.map((i) => i.id)).toEqual(['only']);
    expect(await items(sx, whitelist)).toEqual(['forbidden']);

    // Presence and roster models ask the owner's roster: the friend comes to receive the
    // owner's presence, then joins the group "Friends".
    const presence = await create({ 'pubsub#access_model': 'presence' });
    const roster = await create({
      'pubsub#access_model': 'roster',
      'pubsub#roster_groups_allowed': ['Friends'],
    });
    expect(await subscribe(fx, presence)).toEqual([
      'not-authorized',
      'presence-subscription-required',
    ]);
    expect(await items(fx, roster)).toEqual(['not-authorized', 'not-in-roster-group']);
    // Roster pushes go to the resources that asked for the roster (RFC 6121 §2.1.6).
    await f.client.getRoster();
    f.client.subscribe(owner.jid);
    await o.next('subscribe');
    o.client.acceptSubscription(friend.jid);
    await f.next<{ roster?: { items?: { jid: string; subscription: string }[] } }>(
      'roster:update',
      (u) => u.roster?.items?.some((i) => i.jid === owner.jid && i.subscription === 'to') ?? false,
    );
    expect((await f.client.subscribeToNode(SERVICE, presence)).state).toBe('subscribed');
    expect(await items(fx, roster)).toEqual(['not-authorized', 'not-in-roster-group']);
    await o.client.updateRosterItem({ jid: friend.jid, groups: ['Friends'] });
    expect((await f.client.getItems(SERVICE, roster)).items?.map((i) => i.id)).toEqual(['only']);
    expect(await items(sx, presence)).toEqual(['not-authorized', 'presence-subscription-required']);
  });
});

describe('PubSub affiliations (XEP-0060 §4.1)', () => {
  it('a user cannot publish to, configure, purge or delete a node its affiliation does not allow', async () => {
    const owner = await createAccount('ps-aff');
    const other = await createAccount('ps-aff');
    const o = await stanzaLogin(owner, gatewayA!.ws);
    const x = await stanzaLogin(other, gatewayB!.ws);
    const node = nodeName('aff');
    await o.client.createNode(SERVICE, node);
    await o.client.publish(SERVICE, node, json('by owner'), 'owned');

    const refusals = async () => [
      await stanzaError(x.client.publish(SERVICE, node, json('intruder'), 'x')),
      await stanzaError(
        x.client.configureNode(SERVICE, node, nodeConfig({ 'pubsub#title': 'Mine' })),
      ),
      await stanzaError(x.client.getNodeConfig(SERVICE, node)),
      await stanzaError(x.client.purgeNode(SERVICE, node)),
      await stanzaError(x.client.deleteNode(SERVICE, node)),
      await stanzaError(x.client.retract(SERVICE, node, 'owned', true)),
      await stanzaError(
        x.client.updateNodeAffiliations(SERVICE, node, [{ jid: other.jid, affiliation: 'owner' }]),
      ),
    ];
    expect((await refusals()).map((e) => (e === 'no error' ? e : e.condition))).toEqual(
      Array(7).fill('forbidden'),
    );

    // A publisher publishes and retracts, but still neither configures nor deletes.
    await o.client.updateNodeAffiliations(SERVICE, node, [
      { jid: other.jid, affiliation: 'publisher' },
    ]);
    await x.client.publish(SERVICE, node, json('by publisher'), 'theirs');
    await x.client.retract(SERVICE, node, 'theirs', false);
    expect(await stanzaError(x.client.deleteNode(SERVICE, node))).toMatchObject({
      condition: 'forbidden',
    });
    expect(
      await stanzaError(x.client.configureNode(SERVICE, node, nodeConfig({ 'pubsub#title': 'x' }))),
    ).toMatchObject({
      condition: 'forbidden',
    });
    // The last owner cannot leave the node ownerless.
    expect(
      await stanzaError(
        o.client.updateNodeAffiliations(SERVICE, node, [{ jid: owner.jid, affiliation: 'none' }]),
      ),
    ).toMatchObject({
      condition: 'not-acceptable',
    });
    const affiliations = await o.client.getNodeAffiliations(SERVICE, node);
    expect(affiliations.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ jid: owner.jid, affiliation: 'owner' }),
        expect.objectContaining({ jid: other.jid, affiliation: 'publisher' }),
      ]),
    );
    expect((await x.client.getItems(SERVICE, node)).items?.map((i) => i.id)).toEqual(['owned']);
  });
});

describe('PubSub publish-options and bad input', () => {
  it('refuses a publication whose preconditions the node does not meet', async () => {
    const owner = await createAccount('ps-pre');
    const o = await stanzaLogin(owner);
    const node = nodeName('pre');
    await o.client.createNode(SERVICE, node);
    const publish = (options: Record<string, string>) =>
      o.client.sendIQ({
        to: SERVICE,
        type: 'set',
        pubsub: {
          publish: { node, item: { id: 'p', content: json('guarded') } },
          publishOptions: form('submit', `${NS_PUBSUB}#publish-options`, options),
        },
      } as XMPP.Stanzas.IQ);
    await publish({ 'pubsub#access_model': 'open', 'pubsub#persist_items': 'true' });
    expect(await stanzaError(publish({ 'pubsub#access_model': 'whitelist' }))).toMatchObject({
      condition: 'conflict',
    });
    // The pubsub#errors condition, seen in the raw reply.
    const ox = await login(owner);
    const raw = (options: Record<string, string>) =>
      xmppError(
        ox.xmpp.iqCaller.request(
          pubsubIq(
            'set',
            xml(
              'publish',
              { node },
              xml('item', { id: 'p' }, xml('entry', { xmlns: 'urn:example' })),
            ),
            xml(
              'publish-options',
              {},
              xml(
                'x',
                { xmlns: 'jabber:x:data', type: 'submit' },
                xml(
                  'field',
                  { var: 'FORM_TYPE' },
                  xml('value', {}, `${NS_PUBSUB}#publish-options`),
                ),
                ...Object.entries(options).map(([name, value]) =>
                  xml('field', { var: name }, xml('value', {}, value)),
                ),
              ),
            ),
          ),
        ),
      );
    expect(await raw({ 'pubsub#access_model': 'whitelist' })).toEqual([
      'conflict',
      'precondition-not-met',
    ]);
    expect(await raw({ 'pubsub#no_such_option': '1' })).toEqual([
      'conflict',
      'precondition-not-met',
    ]);
    expect(await raw({ 'pubsub#persist_items': 'perhaps' })).toEqual(['bad-request']);
    expect((await o.client.getItems(SERVICE, node)).items?.map((i) => i.id)).toEqual(['p']);
  });

  it('answers malformed requests with the XEP’s errors and keeps serving', async () => {
    const alice = await createAccount('ps-bad');
    const a = await login(alice);
    const node = nodeName('bad');
    const request = (iq: XmlElement) => xmppError(a.xmpp.iqCaller.request(iq));
    await a.xmpp.iqCaller.request(pubsubIq('set', xml('create', { node })));

    expect(await request(pubsubIq('get', xml('items', { node: 'no-such-node' })))).toEqual([
      'item-not-found',
    ]);
    expect(await request(pubsubIq('set', xml('publish', {}, xml('item'))))).toEqual([
      'bad-request',
      'nodeid-required',
    ]);
    expect(
      await request(pubsubIq('set', xml('subscribe', { node, jid: 'someone-else@localhost' }))),
    ).toEqual(['bad-request', 'invalid-jid']);
    expect(await request(pubsubIq('set', xml('subscribe', { node, jid: 'bad@@jid' })))).toEqual([
      'bad-request',
      'invalid-jid',
    ]);
    expect(await request(pubsubIq('set', xml('retract', { node }, xml('item'))))).toEqual([
      'bad-request',
      'item-required',
    ]);
    expect(
      await request(
        pubsubIq(
          'set',
          xml(
            'publish',
            { node },
            xml('item', {}, xml('big', { xmlns: 'urn:example:big' }, 'x'.repeat(140_000))),
          ),
        ),
      ),
    ).toEqual(['not-acceptable', 'payload-too-big']);
    expect(
      await request(
        pubsubIq(
          'set',
          xml(
            'publish',
            { node },
            xml('item', {}, xml('a', { xmlns: 'urn:a' }), xml('b', { xmlns: 'urn:b' })),
          ),
        ),
      ),
    ).toEqual(['bad-request', 'invalid-payload']);
    expect(
      await request(
        xml(
          'iq',
          { type: 'set', to: SERVICE },
          xml(
            'pubsub',
            { xmlns: `${NS_PUBSUB}#owner` },
            xml(
              'configure',
              { node },
              xml(
                'x',
                { xmlns: 'jabber:x:data', type: 'submit' },
                xml('field', { var: 'pubsub#max_items' }, xml('value', {}, 'lots')),
              ),
            ),
          ),
        ),
      ),
    ).toEqual(['bad-request']);
    expect(
      await request(
        xml(
          'iq',
          { type: 'set', to: SERVICE },
          xml('pubsub', { xmlns: `${NS_PUBSUB}#owner` }, xml('configure', { node })),
        ),
      ),
    ).toEqual(['bad-request']);
    expect(
      await request(
        xml('iq', { type: 'get', to: SERVICE }, xml('query', { xmlns: 'jabber:iq:version' })),
      ),
    ).toEqual(['service-unavailable']);

    // Still serving.
    await a.xmpp.iqCaller.request(
      pubsubIq(
        'set',
        xml(
          'publish',
          { node },
          xml('item', { id: 'ok' }, xml('entry', { xmlns: 'urn:example' }, 'fine')),
        ),
      ),
    );
    const items = await a.xmpp.iqCaller.request(pubsubIq('get', xml('items', { node })));
    expect(
      items
        .getChild('pubsub', NS_PUBSUB)
        ?.getChild('items')
        ?.getChildren('item')
        .map((i) => i.attrs.id),
    ).toEqual(['ok']);
  });
});
