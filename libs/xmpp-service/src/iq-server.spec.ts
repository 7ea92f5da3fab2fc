import { beforeEach, describe, expect, it } from 'vitest';
import { FEATURES_BUCKET, iqSubject, type ServiceFeatures } from '@sotto/contracts';
import { decodeJson, type NatsClient } from '@sotto/nats';
import { parseFrame, xml, type Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from './iq-handler';
import { IqServer } from './iq-server';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };
const NS_INFO = 'http://jabber.org/protocol/disco#info';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';

const features: ServiceFeatures = {
  service: 'pubsub',
  iqNamespaces: [NS_PUBSUB],
  serverFeatures: [],
  accountFeatures: [],
  subdomains: ['pubsub'],
};

/** A handler that answers with the context it was given, for the test to look at. */
class Recorder implements IqHandler {
  readonly seen: IqContext[] = [];
  constructor(
    readonly namespace: string,
    private readonly answer: string,
  ) {}
  async get(context: IqContext): Promise<Element> {
    this.seen.push(context);
    return xml('query', { xmlns: this.namespace, answer: this.answer });
  }
}

const iq = (to: string | undefined, ns: string, type = 'get') =>
  parseFrame(
    `<iq xmlns='jabber:client' type='${type}' id='i1' from='juliet@localhost/b'${to === undefined ? '' : ` to='${to}'`}><query xmlns='${ns}'/></iq>`,
    limits,
  );

describe('IqServer: components', () => {
  let accountInfo: Recorder;
  let componentInfo: Recorder;
  let pubsub: Recorder;
  let sut: IqServer;

  beforeEach(() => {
    accountInfo = new Recorder(NS_INFO, 'account');
    componentInfo = new Recorder(NS_INFO, 'component');
    pubsub = new Recorder(NS_PUBSUB, 'pubsub');
    sut = new IqServer({} as NatsClient, features, [pubsub, accountInfo], 'localhost', [
      componentInfo,
    ]);
  });

  const answer = async (stanza: Element) => {
    const reply = await sut.handle(stanza, 'juliet@localhost/b');
    return reply.getChild('query')?.attrs.answer ?? reply.getChild('error')?.toString();
  };

  it('hands an IQ to its sub-domain to the component handler, with the label and the JID', async () => {
    expect(await answer(iq('pubsub.localhost', NS_INFO))).toBe('component');
    expect(await answer(iq('node@pubsub.localhost/r', NS_INFO))).toBe('component');
    const [bare, withLocal] = componentInfo.seen;
    expect(bare!.component).toBe('pubsub');
    expect(bare!.to?.toString()).toBe('pubsub.localhost');
    expect(withLocal!.component).toBe('pubsub');
    expect(withLocal!.to?.toString()).toBe('node@pubsub.localhost/r');
  });

  it('falls back to the ordinary handler of a namespace the component has none for', async () => {
    expect(await answer(iq('pubsub.localhost', NS_PUBSUB))).toBe('pubsub');
    expect(pubsub.seen[0]!.component).toBe('pubsub');
  });

  it('keeps the server’s and accounts’ IQs away from the component handlers', async () => {
    expect(await answer(iq('romeo@localhost', NS_INFO))).toBe('account');
    expect(await answer(iq(undefined, NS_INFO))).toBe('account');
    const [account, server] = accountInfo.seen;
    expect(account!.component).toBeUndefined();
    expect(account!.to?.toString()).toBe('romeo@localhost');
    expect(server!.to).toBeUndefined();
    expect(componentInfo.seen).toEqual([]);
  });

  it('treats a sub-domain it is not as no component', async () => {
    expect(await answer(iq('muc.localhost', NS_INFO))).toBe('account');
    expect(accountInfo.seen[0]!.component).toBeUndefined();
  });

  it('answers a component IQ nobody serves with service-unavailable, from the component', async () => {
    const reply = await sut.handle(
      iq('pubsub.localhost', 'urn:example:none'),
      'juliet@localhost/b',
    );
    expect(reply.attrs).toMatchObject({ type: 'error', from: 'pubsub.localhost' });
    expect(reply.getChild('error')?.getChild('service-unavailable')).toBeDefined();
  });

  it('publishes the features it is given, sub-domains included, and serves its subject', async () => {
    const written = new Map<string, unknown>();
    const nats = {
      connection: { subscribe: (subject: string) => written.set('subject', subject) },
      kv: async (bucket: string) => ({
        put: async (key: string, value: Uint8Array) =>
          written.set(`${bucket}/${key}`, decodeJson(value)),
      }),
    } as unknown as NatsClient;
    await new IqServer(nats, features, [pubsub], 'localhost', [componentInfo]).start();
    expect(written.get('subject')).toBe(iqSubject('pubsub'));
    expect(written.get(`${FEATURES_BUCKET}/pubsub`)).toEqual(features);
  });
});
