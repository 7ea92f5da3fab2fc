import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UNVERIFIED_CAPS, capsKey, type RouteRequest, type SessionRecord } from '@sotto/contracts';
import { encodeJson, type NatsClient } from '@sotto/nats';
import { CapsCache } from '../caps/caps-cache';
import { loadGatewayConfig } from '../config/gateway.config';
import type { SessionRegistry } from '../sessions/session-registry';
import type { Delivery } from './delivery.service';
import { ServiceRouteListener } from './service-route.listener';

const AVATAR = 'urn:xmpp:avatar:metadata';
const WITH_AVATAR = capsKey('sha-1', 'd2l0aCBhdmF0YXI=');
const WITHOUT_AVATAR = capsKey('sha-1', 'd2l0aG91dA==');
const NOTIFICATION =
  "<message xmlns='jabber:client' type='headline' from='romeo@localhost' to='juliet@localhost'>" +
  "<event xmlns='http://jabber.org/protocol/pubsub#event'/></message>";

const record = (resource: string, extra: Partial<SessionRecord> = {}): SessionRecord => ({
  jid: `juliet@localhost/${resource}`,
  gateway: 'g',
  available: true,
  priority: 0,
  boundAt: 1,
  ...extra,
});

/** A bus that hands the listener's subscription callback to the test. */
function fakeBus() {
  let callback: ((error: Error | null, msg: { data: Uint8Array }) => void) | undefined;
  const kv = {
    put: async () => 1,
    watch: async () => ({ [Symbol.asyncIterator]: async function* () {} }),
  };
  const nats = {
    kv: async () => kv,
    connection: {
      subscribe: (_subject: string, options: { callback: typeof callback }) => {
        callback = options.callback;
      },
    },
  } as unknown as NatsClient;
  return { nats, send: (request: RouteRequest) => callback!(null, { data: encodeJson(request) }) };
}

describe('ServiceRouteListener: PEP notifications', () => {
  let table: SessionRecord[];
  let notified: ReturnType<typeof vi.fn>;
  let delivered: ReturnType<typeof vi.fn>;
  let refresh: ReturnType<typeof vi.fn>;
  let send: (request: RouteRequest) => void;

  beforeEach(async () => {
    const bus = fakeBus();
    send = bus.send;
    const caps = new CapsCache(bus.nats, loadGatewayConfig({}));
    await caps.onModuleInit();
    const features = ['http://jabber.org/protocol/disco#info'];
    await caps.put({
      hash: 'sha-1',
      ver: 'd2l0aCBhdmF0YXI=',
      features: [...features, `${AVATAR}+notify`],
      verifiedAt: 1,
    });
    await caps.put({ hash: 'sha-1', ver: 'd2l0aG91dA==', features, verifiedAt: 1 });
    table = [];
    refresh = vi.fn(async () => undefined);
    const registry = {
      resourcesOf: () => table,
      find: (_bare: string, resource: string) =>
        table.find((r) => r.jid === `juliet@localhost/${resource}`),
      refresh,
    } as unknown as SessionRegistry;
    notified = vi.fn(async () => true);
    delivered = vi.fn(async () => true);
    const delivery = { deliverNotification: notified, deliver: delivered } as unknown as Delivery;
    new ServiceRouteListener(bus.nats, registry, delivery, caps).onModuleInit();
  });

  const routed = async (request: RouteRequest) => {
    send(request);
    await new Promise((resolve) => setImmediate(resolve));
    return notified.mock.calls.map(([target]) => (target as SessionRecord).jid);
  };

  it('reaches the available resources that want the node, or whose caps only their gateway knows', async () => {
    table = [
      record('wants', { caps: WITH_AVATAR }),
      record('does-not', { caps: WITHOUT_AVATAR }),
      record('no-caps'),
      record('unverified', { caps: UNVERIFIED_CAPS }),
      record('not-yet-known-here', { caps: capsKey('sha-1', 'bmV3') }),
      record('away', { caps: WITH_AVATAR, available: false }),
      record('negative', { caps: WITH_AVATAR, priority: -1 }),
    ];
    const jids = await routed({ to: 'juliet@localhost', stanza: NOTIFICATION, notify: AVATAR });
    expect(jids.sort()).toEqual([
      'juliet@localhost/negative',
      'juliet@localhost/not-yet-known-here',
      'juliet@localhost/unverified',
      'juliet@localhost/wants',
    ]);
    expect(notified).toHaveBeenCalledWith(expect.anything(), NOTIFICATION, AVATAR);
    expect(delivered).not.toHaveBeenCalled();
  });

  it('reaches nobody (and stores nothing) when no resource wants it', async () => {
    table = [record('does-not', { caps: WITHOUT_AVATAR }), record('away', { available: false })];
    expect(await routed({ to: 'juliet@localhost', stanza: NOTIFICATION, notify: AVATAR })).toEqual(
      [],
    );
    expect(delivered).not.toHaveBeenCalled();
    expect(refresh).not.toHaveBeenCalled();
  });

  it('reads the bucket once when an available resource has no caps in the replica yet', async () => {
    table = [record('behind')];
    refresh.mockImplementationOnce(async () => {
      table = [record('behind', { caps: WITH_AVATAR })];
    });
    const jids = await routed({ to: 'juliet@localhost', stanza: NOTIFICATION, notify: AVATAR });
    expect(jids).toEqual(['juliet@localhost/behind']);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('leaves a full JID to the gateway holding it, looking in the bucket when the replica has none', async () => {
    table = [record('does-not', { caps: WITHOUT_AVATAR })];
    const to = 'juliet@localhost/does-not';
    expect(await routed({ to, stanza: NOTIFICATION, notify: AVATAR })).toEqual([to]);
    expect(
      await routed({ to: 'juliet@localhost/gone', stanza: NOTIFICATION, notify: AVATAR }),
    ).toEqual([to]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('routes a stanza without notify as before', async () => {
    table = [record('a', { priority: 1 }), record('b', { caps: WITH_AVATAR })];
    send({ to: 'juliet@localhost', stanza: NOTIFICATION });
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered.mock.calls.map(([target]) => (target as SessionRecord).jid)).toEqual([
      'juliet@localhost/a',
      'juliet@localhost/b',
    ]);
    expect(notified).not.toHaveBeenCalled();
  });
});

describe('ServiceRouteListener: roster pushes', () => {
  it('hands a roster push to a bare JID to every bound resource as a roster push', async () => {
    const bus = fakeBus();
    const table = [record('a', { rosterInterested: true }), record('b', { available: false })];
    const registry = { resourcesOf: () => table, refresh: async () => undefined };
    const rosterPushed = vi.fn(async () => true);
    const delivered = vi.fn(async () => true);
    const delivery = { deliverRosterPush: rosterPushed, deliver: delivered } as unknown as Delivery;
    const caps = new CapsCache(bus.nats, loadGatewayConfig({}));
    new ServiceRouteListener(
      bus.nats,
      registry as unknown as SessionRegistry,
      delivery,
      caps,
    ).onModuleInit();
    const push =
      "<iq xmlns='jabber:client' type='set' id='p1' to='juliet@localhost'>" +
      "<query xmlns='jabber:iq:roster'><item jid='romeo@localhost'/></query></iq>";
    bus.send({ to: 'juliet@localhost', stanza: push });
    // Another IQ set and a push to a full JID are delivered as they are.
    const other = "<iq xmlns='jabber:client' type='set' id='o1'><x xmlns='urn:example'/></iq>";
    bus.send({ to: 'juliet@localhost', stanza: other });
    bus.send({ to: 'juliet@localhost/b', stanza: push });
    await new Promise((resolve) => setImmediate(resolve));
    expect(rosterPushed.mock.calls.map(([t]) => (t as SessionRecord).jid)).toEqual([
      'juliet@localhost/a',
      'juliet@localhost/b',
    ]);
    expect(delivered.mock.calls.map(([t, xml]) => [(t as SessionRecord).jid, xml])).toEqual([
      ['juliet@localhost/a', other],
      ['juliet@localhost/b', other],
      ['juliet@localhost/b', push],
    ]);
  });
});
