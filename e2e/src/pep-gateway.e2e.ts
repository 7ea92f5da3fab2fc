import { afterEach, describe, expect, inject, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { xml as clientXml, type XmlElement } from '@xmpp/client';
import * as XMPP from 'stanza';
import {
  CAPS_BUCKET,
  CapsRecord,
  FEATURES_BUCKET,
  ROUTE_SUBJECT,
  capsKey,
  type RouteRequest,
} from '@sotto/contracts';
import { decodeJson, encodeJson } from '@sotto/nats';
import { xml } from '@sotto/xmpp';
import { IqServer, type IqHandler } from '@sotto/xmpp-service';
import { bus, createAccount, type TestAccount } from './support/accounts';
import { connectXmpp, type XmppSession } from './support/xmpp-session';

const [gatewayA, gatewayB] = inject('gateways');

const NS_INFO = 'http://jabber.org/protocol/disco#info';
const NS_ITEMS = 'http://jabber.org/protocol/disco#items';
const NS_CAPS = 'http://jabber.org/protocol/caps';
const AVATAR = 'urn:xmpp:avatar:metadata';
const CAPS_NODE = 'https://e2e.sotto.example/caps';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** Polls `check` until it gives a value: for state that other processes reach eventually. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A StanzaJS client that records the server's caps queries (StanzaJS answers them itself). */
interface CapsClient {
  client: XMPP.Agent;
  jid: string;
  /** The disco#info nodes the server asked this client about. */
  asked: string[];
}

async function stanzaLogin(account: TestAccount, url: string, resource: string) {
  const client = XMPP.createClient({
    jid: account.jid,
    password: account.password,
    resource,
    capsNode: CAPS_NODE,
    transports: { websocket: url, bosh: false },
  });
  cleanups.push(() => client.disconnect());
  const asked: string[] = [];
  client.on('iq:get:disco', (iq) => {
    const { node } = iq.disco as unknown as { node?: string };
    if (iq.from === 'localhost' && node?.startsWith(CAPS_NODE)) {
      asked.push(node);
    }
  });
  await new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error('auth failed')));
    client.connect();
  });
  return { client, jid: `${account.jid}/${resource}`, asked } satisfies CapsClient;
}

/** Adds `features` to the client's disco, and sends presence with the caps they hash to. */
function announce(caps: CapsClient, features: string[]): string {
  for (const feature of features) {
    caps.client.disco.addFeature(feature);
  }
  const legacyCapabilities = caps.client.updateCaps() ?? [];
  caps.client.sendPresence({ legacyCapabilities });
  return legacyCapabilities[0]!.value;
}

/** `pep.interest` events seen on the bus from now on. */
async function interestEvents() {
  const seen: { jid: string; nodes: string[] }[] = [];
  const subscription = (await bus()).subscribe('pep.interest', (event) => {
    seen.push(event);
  });
  cleanups.push(() => subscription.unsubscribe());
  return {
    of: (jid: string) =>
      eventually(`pep.interest of ${jid}`, async () => seen.find((event) => event.jid === jid)),
  };
}

async function cachedCaps(ver: string): Promise<CapsRecord | undefined> {
  const kv = await (await bus()).kv(CAPS_BUCKET, { history: 1 });
  const entry = await kv.get(capsKey('sha-1', ver));
  return entry?.operation === 'PUT' ? CapsRecord.parse(decodeJson(entry.value)) : undefined;
}

async function route(request: RouteRequest): Promise<void> {
  const nats = await bus();
  nats.connection.publish(ROUTE_SUBJECT, encodeJson(request));
  await nats.connection.flush();
}

// XEP-0115 §5.1 for one identity and plain features: what a client computes on its own.
function verOf(identity: string, features: string[]): string {
  const s = [identity, ...[...features].sort()].map((part) => `${part}<`).join('');
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

const unique = () => `urn:e2e:${randomBytes(6).toString('hex')}`;

const notification = (from: string, to: string, id: string) =>
  xml(
    'message',
    { xmlns: 'jabber:client', type: 'headline', from, to, id },
    xml(
      'event',
      { xmlns: 'http://jabber.org/protocol/pubsub#event' },
      xml('items', { node: AVATAR }, xml('item', { id })),
    ),
  ).toString();

describe('entity capabilities (XEP-0115) on the gateways', () => {
  it('asks the first client once, shares the verified caps, and does not ask the next', async () => {
    const interest = await interestEvents();
    const alice = await createAccount('pep');
    const bob = await createAccount('pep');
    // A feature of this run only: the shared cache outlives runs.
    const features = [`${AVATAR}+notify`, unique()];

    const first = await stanzaLogin(alice, gatewayA!.ws, 'first');
    const ver = announce(first, features);
    const record = await eventually('the verified caps in the bucket', () => cachedCaps(ver));
    expect(first.asked).toEqual([`${CAPS_NODE}#${ver}`]);
    expect(record).toMatchObject({ hash: 'sha-1', ver });
    expect(record.features).toEqual(expect.arrayContaining(features));

    // b) the interest of the first client reached the bus.
    expect((await interest.of(first.jid)).nodes).toEqual(expect.arrayContaining([AVATAR]));

    // Another user's client with the same caps, on the other gateway: known already.
    const second = await stanzaLogin(bob, gatewayB!.ws, 'second');
    expect(announce(second, features)).toBe(ver);
    // Its interest is published once its caps are known: a query would have come before.
    expect((await interest.of(second.jid)).nodes).toEqual(expect.arrayContaining([AVATAR]));
    expect(second.asked).toEqual([]);
    expect(first.asked).toHaveLength(1);
  });

  it('delivers a notification only to the resources whose caps want the node', async () => {
    const interest = await interestEvents();
    const carol = await createAccount('pep');
    const wanting = await stanzaLogin(carol, gatewayA!.ws, 'wants');
    announce(wanting, [`${AVATAR}+notify`, unique()]);

    // The other resource, on the other gateway, announces caps without the +notify feature and
    // answers the server's query with a plain @xmpp/client handler.
    const plain: XmppSession = await connectXmpp({
      service: gatewayB!.ws,
      account: carol,
      resource: 'plain',
    });
    cleanups.push(() => plain.stop());
    const identity = { category: 'client', type: 'pc', name: 'e2e plain' };
    const plainFeatures = [NS_INFO, NS_CAPS, unique()];
    const plainVer = verOf('client/pc//e2e plain', plainFeatures);
    let plainAsked = 0;
    plain.xmpp.iqCallee.get(NS_INFO, 'query', ({ element }) => {
      plainAsked++;
      return clientXml(
        'query',
        { xmlns: NS_INFO, node: element.attrs.node },
        clientXml('identity', identity),
        ...plainFeatures.map((feature) => clientXml('feature', { var: feature })),
      );
    });
    await plain.xmpp.send(
      clientXml(
        'presence',
        {},
        clientXml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: CAPS_NODE, ver: plainVer }),
      ),
    );
    await interest.of(wanting.jid);
    const plainRecord = await eventually('the plain caps', () => cachedCaps(plainVer));
    expect(plainRecord.features).toEqual(expect.arrayContaining(plainFeatures));
    expect(plainAsked).toBe(1);

    // What arrives at the wanting resource, as sent: StanzaJS would interpret the pubsub event.
    const received: string[] = [];
    wanting.client.on('raw:incoming', (data: string) => received.push(data));
    const arrived = (id: string) => async () =>
      received.find((data) => data.includes('<message') && data.includes(`id="${id}"`)) ??
      received.find((data) => data.includes('<message') && data.includes(`id='${id}'`));
    const isNotification = (stanza: XmlElement) =>
      stanza.is('message') && stanza.getChild('event') !== undefined;

    // To the bare JID: the wanting resource gets it.
    await route({
      to: carol.jid,
      stanza: notification('dave@localhost', carol.jid, 'n1'),
      notify: AVATAR,
    });
    await eventually('the notification at the wanting resource', arrived('n1'));
    // To the plain resource's full JID: not wanted there, so not delivered.
    await route({
      to: plain.jid,
      stanza: notification('dave@localhost', plain.jid, 'n2'),
      notify: AVATAR,
    });
    // To the wanting resource's full JID: delivered.
    await route({
      to: wanting.jid,
      stanza: notification('dave@localhost', wanting.jid, 'n3'),
      notify: AVATAR,
    });
    await eventually('the full-JID notification', arrived('n3'));
    // A chat message from the wanting resource goes to the plain one after every notification
    // above (one bus connection per gateway keeps the order): it must be the first to arrive.
    wanting.client.sendMessage({ to: plain.jid, type: 'chat', body: 'after the notifications' });
    const first = await plain.next((stanza) => stanza.is('message'));
    expect(first.getChildText('body')).toBe('after the notifications');
    expect(isNotification(first)).toBe(false);
    // Without notify, the same stanza is an ordinary headline for every available resource.
    await route({ to: carol.jid, stanza: notification('dave@localhost', carol.jid, 'n4') });
    const headline = await plain.next(isNotification);
    expect(headline.attrs.id).toBe('n4');
  });
});

describe('components (XEP-0060 §5 service JIDs)', () => {
  it('routes IQs to a service’s sub-domain, lists it, and bounces messages to it', async () => {
    const service = 'e2e-component';
    const component = `${service}.localhost`;
    const nats = await bus();
    const seen: string[] = [];
    const info: IqHandler = {
      namespace: NS_INFO,
      get: async (context) => {
        seen.push(`${context.component}:${context.to?.toString()}`);
        return xml(
          'query',
          { xmlns: NS_INFO },
          xml('identity', { category: 'pubsub', type: 'service', name: 'e2e component' }),
          xml('feature', { var: NS_INFO }),
        );
      },
    };
    const server = new IqServer(
      nats,
      { service, iqNamespaces: [], serverFeatures: [], accountFeatures: [], subdomains: [service] },
      [],
      'localhost',
      [info],
    );
    await server.start();
    cleanups.push(async () => {
      await server.stop();
      const kv = await nats.kv(FEATURES_BUCKET, { history: 1 });
      await kv.delete(service);
    });

    const alice = await createAccount('component');
    for (const gateway of [gatewayA!, gatewayB!]) {
      const a = await connectXmpp({ service: gateway.ws, account: alice });
      cleanups.push(() => a.stop());
      const items = await eventually(`${component} in the server’s items`, async () => {
        const reply = await a.xmpp.iqCaller.request(
          clientXml(
            'iq',
            { type: 'get', to: 'localhost' },
            clientXml('query', { xmlns: NS_ITEMS }),
          ),
        );
        const jids = reply
          .getChild('query', NS_ITEMS)!
          .getChildren('item')
          .map((item) => item.attrs.jid);
        return jids.includes(component) ? jids : undefined;
      });
      expect(items).toContain(component);

      const reply = await a.xmpp.iqCaller.request(
        clientXml('iq', { type: 'get', to: component }, clientXml('query', { xmlns: NS_INFO })),
      );
      expect(reply.attrs.from).toBe(component);
      const identity = reply.getChild('query', NS_INFO)!.getChild('identity')!;
      expect(identity.attrs).toMatchObject({ category: 'pubsub', name: 'e2e component' });

      await a.xmpp.send(
        clientXml('message', { to: component, id: 'm1' }, clientXml('body', {}, 'hello?')),
      );
      const bounced = await a.next((s) => s.is('message') && s.attrs.type === 'error');
      expect(bounced.attrs.from).toBe(component);
      expect(bounced.getChild('error')?.getChild('service-unavailable')).toBeDefined();
    }
    expect(seen).toEqual([`${service}:${component}`, `${service}:${component}`]);
  });
});
