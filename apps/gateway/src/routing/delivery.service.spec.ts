import { beforeEach, describe, expect, it } from 'vitest';
import { errors, headers, type Msg } from '@nats-io/transport-node';
import {
  DELIVERY_NOTIFY_HEADER,
  DELIVERY_ROSTER_PUSH_HEADER,
  DELIVERY_TARGET_HEADER,
  type SessionRecord,
} from '@sotto/contracts';
import type { NatsClient } from '@sotto/nats';
import type { EntityCaps } from '../caps/entity-caps';
import { loadGatewayConfig } from '../config/gateway.config';
import { LocalSessions, type BoundSession } from '../sessions/local-sessions';
import type { SessionRegistry } from '../sessions/session-registry';
import { Delivery } from './delivery.service';

const NODE = 'urn:xmpp:avatar:metadata';
const WEIRD_NODE = 'a node\r\nwith: anything ü';
const encoder = new TextEncoder();

class FakeSession implements BoundSession {
  readonly received: string[] = [];
  constructor(
    readonly fullJid: string,
    readonly wanted: string[],
    readonly rosterInterested = false,
  ) {}
  get bareJid(): string {
    return this.fullJid.slice(0, this.fullJid.indexOf('/'));
  }
  deliver(xml: string): void {
    this.received.push(xml);
  }
  end(): void {}
}

describe('Delivery of PEP notifications', () => {
  let wants: FakeSession;
  let other: FakeSession;
  let deliverSubject: (msg: Msg) => void;
  let sut: Delivery;

  beforeEach(() => {
    const local = new LocalSessions();
    wants = new FakeSession('juliet@localhost/wants', [NODE, WEIRD_NODE], true);
    other = new FakeSession('juliet@localhost/other', []);
    local.add(wants);
    local.add(other);
    const caps = {
      wants: (session: FakeSession, node: string) => session.wanted.includes(node),
    } as unknown as EntityCaps;
    const nats = {
      connection: {
        subscribe: (subject: string, options: { callback: (e: null, m: Msg) => void }) => {
          if (subject.startsWith('c2s.deliver.')) {
            deliverSubject = (msg) => options.callback(null, msg);
          }
        },
      },
    } as unknown as NatsClient;
    const registry = { gatewayId: 'here' } as SessionRegistry;
    sut = new Delivery(nats, registry, local, caps, loadGatewayConfig({}));
    sut.onModuleInit();
  });

  /** What the holding gateway answers to a delivery request from another gateway. */
  function receive(to: string, notify?: string, rosterPush = false): string {
    const h = headers();
    h.set(DELIVERY_TARGET_HEADER, to);
    if (notify !== undefined) {
      h.set(DELIVERY_NOTIFY_HEADER, notify);
    }
    if (rosterPush) {
      h.set(DELIVERY_ROSTER_PUSH_HEADER, '1');
    }
    let reply = '';
    deliverSubject({
      data: encoder.encode('<message/>'),
      headers: h,
      respond: (data: Uint8Array) => {
        reply = new TextDecoder().decode(data);
        return true;
      },
    } as unknown as Msg);
    return reply;
  }

  it('delivers a notification from another gateway only to a session that wants the node', () => {
    expect(receive(wants.fullJid, encodeURIComponent(NODE))).toBe('delivered');
    expect(receive(wants.fullJid, encodeURIComponent(WEIRD_NODE))).toBe('delivered');
    expect(receive(other.fullJid, encodeURIComponent(NODE))).toBe('no-session');
    expect(receive(wants.fullJid, '%E0%A4%A')).toBe('no-session');
    expect(wants.received).toHaveLength(2);
    expect(other.received).toEqual([]);
  });

  it('delivers anything else as before', () => {
    expect(receive(other.fullJid)).toBe('delivered');
    expect(receive('juliet@localhost/gone')).toBe('no-session');
  });

  it('filters a notification for a session of its own the same way', async () => {
    const target = (jid: string): SessionRecord => ({
      jid,
      gateway: 'here',
      available: true,
      priority: 0,
      boundAt: 1,
    });
    expect(await sut.deliverNotification(target(wants.fullJid), '<message/>', NODE)).toBe(true);
    expect(await sut.deliverNotification(target(other.fullJid), '<message/>', NODE)).toBe(false);
    expect(wants.received).toEqual(['<message/>']);
    expect(other.received).toEqual([]);
  });

  it('delivers a roster push from another gateway only to a session that asked for the roster', () => {
    expect(receive(other.fullJid, undefined, true)).toBe('no-session');
    expect(receive(wants.fullJid, undefined, true)).toBe('delivered');
    expect(receive('juliet@localhost/gone', undefined, true)).toBe('no-session');
    expect(other.received).toEqual([]);
    expect(wants.received).toHaveLength(1);
  });

  it('sends a roster push to an interested session, and asks the holder about the others', async () => {
    const requests: { subject: string; rosterPush: boolean }[] = [];
    const nats = {
      connection: {
        subscribe: () => undefined,
        request: async (
          subject: string,
          _data: Uint8Array,
          options: { headers: Msg['headers'] },
        ) => {
          requests.push({
            subject,
            rosterPush: options.headers?.has(DELIVERY_ROSTER_PUSH_HEADER) ?? false,
          });
          return { string: () => 'delivered' };
        },
      },
    } as unknown as NatsClient;
    const local = new LocalSessions();
    local.add(wants);
    local.add(other);
    const delivery = new Delivery(
      nats,
      { gatewayId: 'here' } as SessionRegistry,
      local,
      {} as EntityCaps,
      loadGatewayConfig({}),
    );
    const target = (jid: string, gateway: string, rosterInterested?: boolean): SessionRecord => ({
      jid,
      gateway,
      available: false,
      priority: 0,
      boundAt: 1,
      rosterInterested,
    });
    // Here: the session itself says.
    expect(await delivery.deliverRosterPush(target(wants.fullJid, 'here'), '<iq/>')).toBe(true);
    expect(await delivery.deliverRosterPush(target(other.fullJid, 'here'), '<iq/>')).toBe(false);
    // Elsewhere: the table's flag, else the holding gateway decides.
    await delivery.deliverRosterPush(target('juliet@localhost/far', 'there', true), '<iq/>');
    await delivery.deliverRosterPush(target('juliet@localhost/far', 'there'), '<iq/>');
    expect(requests).toEqual([
      { subject: 'c2s.deliver.there', rosterPush: false },
      { subject: 'c2s.deliver.there', rosterPush: true },
    ]);
    expect(wants.received).toEqual(['<iq/>']);
    expect(other.received).toEqual([]);
  });
});

describe('Delivery to a gateway that does not answer', () => {
  function deliveryFailingWith(error: Error) {
    const dead: string[] = [];
    const nats = {
      connection: {
        subscribe: () => undefined,
        request: () => Promise.reject(error),
      },
    } as unknown as NatsClient;
    const registry = {
      gatewayId: 'here',
      markDead: (gateway: string) => dead.push(gateway),
    } as unknown as SessionRegistry;
    const sut = new Delivery(
      nats,
      registry,
      new LocalSessions(),
      {} as EntityCaps,
      loadGatewayConfig({ LOG_LEVEL: 'error' }),
    );
    const target: SessionRecord = {
      jid: 'romeo@localhost/orchard',
      gateway: 'there',
      available: true,
      priority: 0,
      boundAt: 1,
    };
    return { sut, dead, target };
  }

  it('takes a gateway nobody answers for as dead, and the delivery as failed', async () => {
    const { sut, dead, target } = deliveryFailingWith(new errors.NoRespondersError('c2s.deliver'));
    expect(await sut.deliver(target, '<message/>')).toBe(false);
    expect(dead).toEqual(['there']);
  });

  it('counts a slow answer as a failed delivery only: the gateway and its sessions stay', async () => {
    const { sut, dead, target } = deliveryFailingWith(new errors.TimeoutError());
    expect(await sut.deliver(target, '<message/>')).toBe(false);
    await sut.kick(target);
    expect(dead).toEqual([]);
  });
});
