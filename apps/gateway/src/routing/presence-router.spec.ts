import { describe, expect, it, vi } from 'vitest';
import type { NatsClient } from '@sotto/nats';
import { Jid, parseFrame } from '@sotto/xmpp';
import type { EntityCaps } from '../caps/entity-caps';
import { loadGatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import type { OfflineDelivery } from '../messages/offline-delivery';
import type { ContactPresence } from '../presence/contact-presence';
import type { ActiveSession } from '../sessions/active-session';
import type { SessionRegistry } from '../sessions/session-registry';
import type { Delivery } from './delivery.service';
import { PresenceRouter } from './presence-router';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };

describe('PresenceRouter: components', () => {
  it('ignores presence of any type to a component, and hands on subscriptions to others', async () => {
    const config = loadGatewayConfig({});
    const features = new FeatureRegistry({} as NatsClient, config);
    features.apply('pubsub', {
      service: 'pubsub',
      iqNamespaces: [],
      serverFeatures: [],
      accountFeatures: [],
      subdomains: ['pubsub'],
    });
    const subscription = vi.fn(async () => undefined);
    const sut = new PresenceRouter(
      {} as SessionRegistry,
      {} as Delivery,
      { subscription } as unknown as ContactPresence,
      {} as OfflineDelivery,
      features,
      {} as EntityCaps,
      config,
    );
    const deliver = vi.fn();
    const session = { fullJid: 'juliet@localhost/b', deliver } as unknown as ActiveSession;
    const presence = (to: string, type?: string) =>
      parseFrame(
        `<presence xmlns='jabber:client' to='${to}'${type ? ` type='${type}'` : ''}/>`,
        limits,
      );
    for (const type of [undefined, 'subscribe', 'unavailable', 'probe']) {
      await sut.route(session, presence('pubsub.localhost', type), Jid.parse('pubsub.localhost'));
    }
    expect(deliver).not.toHaveBeenCalled();
    expect(subscription).not.toHaveBeenCalled();
    await sut.route(
      session,
      presence('romeo@example.org', 'subscribe'),
      Jid.parse('romeo@example.org'),
    );
    expect(subscription).toHaveBeenCalledTimes(1);
  });
});
