import { describe, expect, it, vi } from 'vitest';
import type { EventPayload, SessionRecord } from '@sotto/contracts';
import type { NatsClient } from '@sotto/nats';
import { deriveCredentials } from '@sotto/scram';
import { NS_BIND, NS_SASL, parseFrame, type StreamError } from '@sotto/xmpp';
import { loadGatewayConfig } from '../config/gateway.config';
import { LocalSessions } from '../sessions/local-sessions';
import { SessionLifecycle } from '../sessions/session-lifecycle';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TransportEvents, XmppTransport } from '../transport/xmpp-transport';
import type { C2SDependencies } from './c2s-dependencies';
import { C2SConnection } from './c2s-connection';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };
const JULIET = 'juliet@localhost';
const credentials = deriveCredentials('pencil', 'sha256', 4096);

class FakeTransport implements XmppTransport {
  readonly kind = 'websocket';
  readonly secure = true;
  readonly canStartTls = false;
  readonly sent: string[] = [];
  closedWith?: string;
  private events!: TransportEvents;
  attach(events: TransportEvents): void {
    this.events = events;
  }
  openStream(): void {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(error?: StreamError): void {
    if (this.closedWith === undefined) {
      this.closedWith = error?.condition ?? 'closed';
      this.events.onDisconnect();
    }
  }
  async startTls(): Promise<void> {}
  restartStream(): void {}
}

/** Where, in a login's bind, the erasure (`accounts.disable`, then `sessions.end`) happens. */
type Moment = 'before-bind' | 'during-claim' | 'before-check-read' | 'after-check-read';

/**
 * One login of Juliet, PLAIN then bind, with the erasure committed and its `sessions.end`
 * delivered at `moment`: the fakes stand for the accounts service (a flag read by the check) and
 * the bus (which hands `sessions.end` to this gateway's real `SessionLifecycle`).
 */
async function loginRacing(moment: Moment) {
  let disabled = false;
  let endSessions: (payload: EventPayload<'sessions.end'>) => void = () => undefined;
  const erase = () => {
    disabled = true;
    endSessions({ jid: JULIET, condition: 'not-authorized' });
  };
  const at = async (now: Moment) => {
    if (now === moment) {
      erase();
    }
    await Promise.resolve();
  };
  const nats = {
    subscribe: (_subject: string, handler: typeof endSessions) => {
      endSessions = handler;
    },
    request: async (subject: string) => {
      if (subject === 'accounts.scram-credentials') {
        return {
          salt: credentials.salt.toString('base64'),
          iterations: credentials.iterations,
          storedKey: credentials.storedKey.toString('base64'),
          serverKey: credentials.serverKey.toString('base64'),
        };
      }
      await at('before-check-read');
      const allowed = !disabled;
      await at('after-check-read');
      return { allowed };
    },
  } as unknown as NatsClient;
  const local = new LocalSessions();
  new SessionLifecycle(nats, local, { onReapedWhileAlive: () => undefined }).onModuleInit();
  const released = vi.fn(async () => undefined);
  const registry = {
    gatewayId: 'here',
    find: () => undefined,
    claim: async (_bare: string, _resource: string, _record: SessionRecord) => {
      await at('during-claim');
      return 1;
    },
    release: released,
  } as unknown as SessionRegistry;
  const deps = {
    config: loadGatewayConfig({ XMPP_DOMAIN: 'localhost' }),
    nats,
    registry,
    local,
    presence: { sessionEnded: () => undefined },
    features: { serviceFor: () => undefined },
  } as unknown as C2SDependencies;
  const transport = new FakeTransport();
  new C2SConnection(transport, deps);

  const events = transport as unknown as { events: TransportEvents };
  events.events.onStreamOpen({ version: '1.0', to: 'localhost' });
  const plain = Buffer.from('\0juliet\0pencil').toString('base64');
  events.events.onElement(
    parseFrame(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${plain}</auth>`, limits),
  );
  await vi.waitFor(() => expect(transport.sent.join()).toContain('<success'));
  await at('before-bind');
  events.events.onStreamOpen({ version: '1.0', to: 'localhost' });
  events.events.onElement(
    parseFrame(
      `<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='${NS_BIND}'><resource>r</resource></bind></iq>`,
      limits,
    ),
  );
  await vi.waitFor(() => expect(transport.closedWith).toBeDefined());
  await vi.waitFor(() => expect(released).toHaveBeenCalled());
  return { transport, local, erase };
}

describe('C2SConnection: a login racing with an erasure', () => {
  it.each<Moment>(['before-bind', 'during-claim', 'before-check-read', 'after-check-read'])(
    'ends the session when the erasure happens %s',
    async (moment) => {
      const { transport, local } = await loginRacing(moment);
      expect(transport.closedWith).toBe('not-authorized');
      expect(local.ofUser(JULIET)).toEqual([]);
      // Once the check read the account as disabled, the client never saw itself bound.
      if (moment !== 'after-check-read') {
        expect(transport.sent.join()).not.toContain("id='b1'");
      }
    },
  );

  it('binds when nothing races, and sessions.end still ends the session later', async () => {
    let endSessions: (payload: EventPayload<'sessions.end'>) => void = () => undefined;
    const nats = {
      subscribe: (_subject: string, handler: typeof endSessions) => {
        endSessions = handler;
      },
      request: async (subject: string) =>
        subject === 'accounts.login-allowed'
          ? { allowed: true }
          : {
              salt: credentials.salt.toString('base64'),
              iterations: credentials.iterations,
              storedKey: credentials.storedKey.toString('base64'),
              serverKey: credentials.serverKey.toString('base64'),
            },
    } as unknown as NatsClient;
    const local = new LocalSessions();
    new SessionLifecycle(nats, local, { onReapedWhileAlive: () => undefined }).onModuleInit();
    const deps = {
      config: loadGatewayConfig({ XMPP_DOMAIN: 'localhost' }),
      nats,
      registry: {
        gatewayId: 'here',
        find: () => undefined,
        claim: async () => 1,
        release: async () => undefined,
      },
      local,
      presence: { sessionEnded: () => undefined },
      features: { serviceFor: () => undefined },
    } as unknown as C2SDependencies;
    const transport = new FakeTransport();
    new C2SConnection(transport, deps);
    const events = (transport as unknown as { events: TransportEvents }).events;
    events.onStreamOpen({ version: '1.0' });
    const plain = Buffer.from('\0juliet\0pencil').toString('base64');
    events.onElement(
      parseFrame(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${plain}</auth>`, limits),
    );
    await vi.waitFor(() => expect(transport.sent.join()).toContain('<success'));
    events.onStreamOpen({ version: '1.0' });
    events.onElement(
      parseFrame(
        `<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='${NS_BIND}'/></iq>`,
        limits,
      ),
    );
    await vi.waitFor(() => expect(transport.sent.join()).toContain("id='b1'"));
    expect(transport.closedWith).toBeUndefined();
    endSessions({ jid: JULIET, condition: 'not-authorized' });
    expect(transport.closedWith).toBe('not-authorized');
  });
});
