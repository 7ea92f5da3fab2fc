import { describe, expect, it, vi } from 'vitest';
import type { SessionRecord } from '@sotto/contracts';
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

describe('PresenceRouter: directed presence (RFC 6121 §4.6)', () => {
  const record = (jid: string, extra: Partial<SessionRecord> = {}): SessionRecord => ({
    jid,
    gateway: 'g',
    available: true,
    priority: 0,
    boundAt: 1,
    ...extra,
  });

  /** Juliet's available session, with Romeo (no subscription) and the Nurse (a subscriber). */
  function setup() {
    const table = new Map<string, SessionRecord[]>([
      ['romeo@localhost', [record('romeo@localhost/r')]],
      ['nurse@localhost', [record('nurse@localhost/n')]],
    ]);
    const registry = {
      resourcesOf: (bare: string) => table.get(bare) ?? [],
      find: (bare: string, resource: string) =>
        table.get(bare)?.find((r) => r.jid === `${bare}/${resource}`),
      onReap: () => undefined,
    } as unknown as SessionRegistry;
    const delivered: [string, string][] = [];
    const delivery = {
      deliver: async (target: SessionRecord, xml: string) => {
        delivered.push([target.jid, xml]);
        return true;
      },
    } as unknown as Delivery;
    const contacts = {
      unavailable: vi.fn(async () => ['nurse@localhost']),
    } as unknown as ContactPresence;
    const sut = new PresenceRouter(
      registry,
      delivery,
      contacts,
      {} as OfflineDelivery,
      new FeatureRegistry({} as NatsClient, loadGatewayConfig({})),
      {} as EntityCaps,
      loadGatewayConfig({ XMPP_DOMAIN: 'localhost' }),
    );
    const session = {
      fullJid: 'juliet@localhost/b',
      bareJid: 'juliet@localhost',
      record: record('juliet@localhost/b'),
      async setDirectedTo(jids: readonly string[]) {
        this.record = { ...this.record, directedTo: [...jids] };
      },
      async setPresence(state: { available: boolean; priority: number }) {
        this.record = { ...this.record, ...state, directedTo: undefined };
      },
    };
    const send = async (to: string | undefined, type?: string) => {
      const toAttr = to ? ` to='${to}'` : '';
      const typeAttr = type ? ` type='${type}'` : '';
      const presence = parseFrame(
        `<presence xmlns='jabber:client' from='juliet@localhost/b'${toAttr}${typeAttr}/>`,
        limits,
      );
      await sut.route(
        session as unknown as ActiveSession,
        presence,
        to ? Jid.parse(to) : undefined,
      );
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return { sut, session, send, delivered, settle };
  }

  it('remembers directed presence and sends unavailable there when the session ends', async () => {
    const { sut, session, send, delivered, settle } = setup();
    await send('romeo@localhost');
    await send('nurse@localhost/n');
    await send('juliet@localhost/other');
    expect(session.record.directedTo).toEqual(['romeo@localhost', 'nurse@localhost/n']);
    delivered.length = 0;

    sut.sessionEnded(session as unknown as ActiveSession);
    await settle();
    // The nurse is a subscriber: the broadcast (ContactPresence) already told her.
    expect(delivered).toEqual([
      [
        'romeo@localhost/r',
        "<presence xmlns='jabber:client' type='unavailable' from='juliet@localhost/b' to='romeo@localhost'/>",
      ],
    ]);
  });

  it('sends the unavailable broadcast to the recipients, then forgets them', async () => {
    const { session, send, delivered } = setup();
    await send('romeo@localhost/r');
    delivered.length = 0;
    await send(undefined, 'unavailable');
    expect(delivered.map(([jid]) => jid)).toEqual(['romeo@localhost/r']);
    expect(delivered[0]![1]).toContain("to='romeo@localhost/r'");
    expect(session.record.directedTo).toBeUndefined();
  });

  it('forgets a recipient after directed unavailable, and remembers nothing while unavailable', async () => {
    const { session, send } = setup();
    await send('romeo@localhost');
    await send('romeo@localhost', 'unavailable');
    expect(session.record.directedTo).toEqual([]);
    session.record = { ...session.record, available: false, directedTo: undefined };
    await send('romeo@localhost');
    expect(session.record.directedTo).toBeUndefined();
  });
});
