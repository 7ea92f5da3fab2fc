import { describe, expect, it } from 'vitest';
import type { NatsClient } from '@sotto/nats';
import { Jid, parseFrame, type Element } from '@sotto/xmpp';
import { loadGatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import type { MessageStream } from '../messages/message-stream';
import type { ActiveSession } from '../sessions/active-session';
import type { SessionRegistry } from '../sessions/session-registry';
import type { Delivery } from './delivery.service';
import { MessageRouter } from './message-router';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };

/** Juliet's session, and what the router sends her. */
function juliet(): { received: Element[]; session: ActiveSession } {
  const received: Element[] = [];
  const session = {
    fullJid: 'juliet@localhost/balcony',
    bareJid: 'juliet@localhost',
    deliver: (xml: string) => received.push(parseFrame(xml, limits)),
  } as unknown as ActiveSession;
  return { received, session };
}

function router(): { sut: MessageRouter; received: Element[]; session: ActiveSession } {
  const config = loadGatewayConfig({});
  const features = new FeatureRegistry({} as NatsClient, config);
  features.apply('pubsub', {
    service: 'pubsub',
    iqNamespaces: [],
    serverFeatures: [],
    accountFeatures: [],
    subdomains: ['pubsub'],
  });
  const { received, session } = juliet();
  const sut = new MessageRouter(
    {} as SessionRegistry,
    {} as Delivery,
    {} as MessageStream,
    {} as NatsClient,
    features,
    config,
  );
  return { sut, received, session };
}

const message = (to: string, type = 'chat') =>
  parseFrame(
    `<message xmlns='jabber:client' type='${type}' id='m1' from='juliet@localhost/balcony' to='${to}'><body>hi</body></message>`,
    limits,
  );

describe('MessageRouter: other domains', () => {
  it('bounces a message to a component with service-unavailable, from the component', () => {
    const { sut, received, session } = router();
    sut.route(session, message('pubsub.localhost'), Jid.parse('pubsub.localhost'));
    sut.route(session, message('n@pubsub.localhost/r'), Jid.parse('n@pubsub.localhost/r'));
    expect(received.map((r) => r.attrs.from)).toEqual(['pubsub.localhost', 'n@pubsub.localhost/r']);
    for (const reply of received) {
      expect(reply.attrs.type).toBe('error');
      expect(reply.getChild('error')?.getChild('service-unavailable')).toBeDefined();
    }
  });

  it('never answers an error message, and keeps remote-server-not-found for other domains', () => {
    const { sut, received, session } = router();
    sut.route(session, message('pubsub.localhost', 'error'), Jid.parse('pubsub.localhost'));
    expect(received).toEqual([]);
    sut.route(session, message('muc.localhost'), Jid.parse('muc.localhost'));
    sut.route(session, message('romeo@example.org'), Jid.parse('romeo@example.org'));
    expect(received.map((r) => r.getChild('error')?.getChildElements()[0]?.name)).toEqual([
      'remote-server-not-found',
      'remote-server-not-found',
    ]);
  });
});

describe('MessageRouter: a local user with no resource online', () => {
  function offlineRouter(account: { exists: boolean; active: boolean }) {
    const config = loadGatewayConfig({});
    const registry = {
      find: () => undefined,
      resourcesOf: () => [],
      refresh: async () => undefined,
    } as unknown as SessionRegistry;
    const accepted: string[] = [];
    const stream = {
      accepted: async (event: { to: string }) => void accepted.push(event.to),
      undelivered: async () => undefined,
    } as unknown as MessageStream;
    const nats = {
      request: async (subject: string) => {
        expect(subject).toBe('accounts.exists');
        return account;
      },
    } as unknown as NatsClient;
    const { received, session } = juliet();
    const sut = new MessageRouter(
      registry,
      {} as Delivery,
      stream,
      nats,
      new FeatureRegistry({} as NatsClient, config),
      config,
    );
    return { sut, session, received, accepted };
  }

  // Every step of the route runs on promises that are already settled: one turn of the loop.
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('accepts the message for offline storage while the account is active', async () => {
    const { sut, session, received, accepted } = offlineRouter({ exists: true, active: true });
    sut.route(session, message('romeo@localhost'), Jid.parse('romeo@localhost'));
    await settled();
    expect(accepted).toEqual(['romeo@localhost']);
    expect(received).toEqual([]);
  });

  it('refuses it like an unknown account once the erasure has begun, and accepts nothing', async () => {
    const { sut, session, received, accepted } = offlineRouter({ exists: true, active: false });
    sut.route(session, message('romeo@localhost'), Jid.parse('romeo@localhost'));
    await settled();
    expect(accepted).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]!.attrs).toMatchObject({ type: 'error', from: 'romeo@localhost' });
    expect(received[0]!.getChild('error')?.getChild('service-unavailable')).toBeDefined();
  });
});
