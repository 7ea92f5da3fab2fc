import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceFeatures } from '@sotto/contracts';
import type { NatsClient } from '@sotto/nats';
import { Jid, StanzaError, parseFrame, type Element } from '@sotto/xmpp';
import type { EntityCaps } from '../caps/entity-caps';
import { loadGatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import type { ServiceIqForwarder } from '../features/service-iq.forwarder';
import { ServerIqHandler } from '../iq/server-iq.handler';
import type { ActiveSession } from '../sessions/active-session';
import type { SessionRegistry } from '../sessions/session-registry';
import type { Delivery } from './delivery.service';
import { IqRouter } from './iq-router';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };
const NS_INFO = 'http://jabber.org/protocol/disco#info';
const NS_ITEMS = 'http://jabber.org/protocol/disco#items';

const pubsub: ServiceFeatures = {
  service: 'pubsub',
  iqNamespaces: ['http://jabber.org/protocol/pubsub'],
  serverFeatures: [],
  accountFeatures: ['http://jabber.org/protocol/pubsub#publish'],
  accountIdentities: [{ category: 'pubsub', type: 'pep' }],
  subdomains: ['pubsub'],
};

class FakeSession {
  readonly fullJid = 'juliet@localhost/balcony';
  readonly bareJid = 'juliet@localhost';
  readonly received: Element[] = [];
  readonly log: string[] = [];
  async setRosterInterested(): Promise<void> {
    this.log.push('interested');
  }
  deliver(xml: string): void {
    this.received.push(parseFrame(xml, limits));
  }
}

/** An IQ from the session as the stanza router hands it over: `from` stamped, `to` parsed. */
function iq(type: string, to: string | undefined, payload: string, id = 'q1') {
  const toAttr = to === undefined ? '' : ` to='${to}'`;
  const stanza = parseFrame(
    `<iq xmlns='jabber:client' type='${type}' id='${id}' from='juliet@localhost/balcony'${toAttr}>${payload}</iq>`,
    limits,
  );
  return { stanza, to: to === undefined ? undefined : Jid.parse(to) };
}

describe('IqRouter', () => {
  let features: FeatureRegistry;
  let forward: ReturnType<typeof vi.fn>;
  let answerCaps: ReturnType<typeof vi.fn>;
  let session: FakeSession;
  let sut: IqRouter;

  const route = async (type: string, to: string | undefined, payload: string) => {
    const { stanza, to: target } = iq(type, to, payload);
    sut.route(session as unknown as ActiveSession, stanza, target);
    await new Promise((resolve) => setImmediate(resolve));
    return session.received;
  };

  beforeEach(() => {
    const config = loadGatewayConfig({ XMPP_DOMAIN: 'localhost' });
    features = new FeatureRegistry({} as NatsClient, config);
    features.apply('pubsub', pubsub);
    forward = vi.fn(async (_service: string, _from: string, stanza: string) => {
      const request = parseFrame(stanza, limits);
      return [
        `<iq xmlns='jabber:client' type='result' id='${request.attrs.id}' from='${request.attrs.to}' to='${request.attrs.from}'/>`,
      ];
    });
    answerCaps = vi.fn(() => true);
    session = new FakeSession();
    sut = new IqRouter(
      {} as SessionRegistry,
      {} as Delivery,
      new ServerIqHandler(features),
      features,
      { forward } as unknown as ServiceIqForwarder,
      { answer: answerCaps } as unknown as EntityCaps,
      config,
    );
  });

  it.each([
    ['disco#info of the component', 'pubsub.localhost', `<query xmlns='${NS_INFO}'/>`],
    ['disco#items of the component', 'pubsub.localhost', `<query xmlns='${NS_ITEMS}'/>`],
    ['any namespace, to a node JID', 'node@pubsub.localhost', `<x xmlns='urn:example:any'/>`],
    ['with a resource', 'node@pubsub.localhost/r', `<x xmlns='urn:example:any'/>`],
  ])('forwards %s to the service that is the sub-domain', async (_what, to, payload) => {
    const [reply] = await route('get', to, payload);
    expect(forward).toHaveBeenCalledWith('pubsub', session.fullJid, expect.stringContaining(to));
    expect(reply!.attrs).toMatchObject({ type: 'result', from: to, id: 'q1' });
  });

  it('answers with the error the forwarding raised, from the component', async () => {
    forward.mockRejectedValueOnce(new StanzaError('service-unavailable'));
    const [reply] = await route('set', 'pubsub.localhost', `<x xmlns='urn:example:any'/>`);
    expect(reply!.attrs).toMatchObject({ type: 'error', from: 'pubsub.localhost' });
    expect(reply!.getChild('error')?.getChild('service-unavailable')).toBeDefined();
  });

  it('drops results and errors addressed to a component', async () => {
    expect(await route('result', 'pubsub.localhost', '')).toEqual([]);
    expect(await route('error', 'pubsub.localhost', '')).toEqual([]);
    expect(forward).not.toHaveBeenCalled();
  });

  it('answers remote-server-not-found for an unknown sub-domain, or one whose service left', async () => {
    const [unknown] = await route('get', 'chat.localhost', `<query xmlns='${NS_INFO}'/>`);
    expect(unknown!.getChild('error')?.getChild('remote-server-not-found')).toBeDefined();
    features.apply('pubsub', undefined);
    const [gone] = await route('get', 'pubsub.localhost', `<query xmlns='${NS_INFO}'/>`);
    expect(gone!.getChild('error')?.getChild('remote-server-not-found')).toBeDefined();
    expect(forward).not.toHaveBeenCalled();
  });

  it('lists every component in the server’s disco#items', async () => {
    features.apply('muc', { ...pubsub, service: 'muc', subdomains: ['conference'] });
    const [reply] = await route('get', 'localhost', `<query xmlns='${NS_ITEMS}'/>`);
    const items = reply!.getChild('query')!.getChildren('item');
    expect(items.map((item) => item.attrs.jid)).toEqual([
      'conference.localhost',
      'pubsub.localhost',
    ]);
  });

  it('answers disco#info of any bare JID alike, with the services’ account identities', async () => {
    const [own] = await route('get', 'juliet@localhost', `<query xmlns='${NS_INFO}'/>`);
    const [other] = await route('get', 'romeo@localhost', `<query xmlns='${NS_INFO}'/>`);
    const [nobody] = await route('get', 'nobody-at-all@localhost', `<query xmlns='${NS_INFO}'/>`);
    const identities = own!
      .getChild('query')!
      .getChildren('identity')
      .map((i) => `${i.attrs.category}/${i.attrs.type}`);
    expect(identities).toEqual(['account/registered', 'pubsub/pep']);
    expect(
      own!
        .getChild('query')!
        .getChildren('feature')
        .map((f) => f.attrs.var),
    ).toContain('http://jabber.org/protocol/pubsub#publish');
    expect(other!.getChild('query')!.toString()).toBe(own!.getChild('query')!.toString());
    expect(nobody!.getChild('query')!.toString()).toBe(own!.getChild('query')!.toString());
    expect(forward).not.toHaveBeenCalled();
  });

  it('hands results addressed to the server to the caps queries, and drops the others', async () => {
    await route('result', 'localhost', '');
    await route('error', undefined, '');
    expect(answerCaps).toHaveBeenCalledTimes(2);
    await route('result', 'romeo@localhost', '');
    await route('result', 'localhost/x', '');
    expect(answerCaps).toHaveBeenCalledTimes(2);
    expect(session.received).toEqual([]);
  });

  it('marks the session interested before a roster get of its own goes to the service', async () => {
    features.apply('roster', {
      service: 'roster',
      iqNamespaces: ['jabber:iq:roster'],
      serverFeatures: [],
      accountFeatures: [],
    });
    forward.mockImplementation(async () => {
      session.log.push('forwarded');
      return [];
    });
    const query = `<query xmlns='jabber:iq:roster'/>`;
    await route('get', undefined, query);
    await route('get', 'juliet@localhost', query);
    expect(session.log).toEqual(['interested', 'forwarded', 'interested', 'forwarded']);
    session.log.length = 0;
    // A set, or a get of another user's roster, makes nobody interested.
    await route(
      'set',
      undefined,
      `<query xmlns='jabber:iq:roster'><item jid='a@localhost'/></query>`,
    );
    await route('get', 'romeo@localhost', query);
    expect(session.log).toEqual(['forwarded', 'forwarded']);
  });
});
