import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { xml } from '@xmpp/client';
import { createAccount, type TestAccount } from './support/accounts';
import { startGateway } from './support/gateways';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';

const [gatewayA] = inject('gateways');

const sessions: XmppSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((session) => session.stop()));
});

// The gateways a test starts end with it, even one that failed or timed out (stopped, even), so
// that none holds its ports for the next test or run.
const started: Awaited<ReturnType<typeof startGateway>>[] = [];
afterEach(async () => {
  for (const gateway of started.splice(0)) {
    gateway.process.kill('SIGCONT');
    await gateway.stop('SIGKILL');
  }
});

/** A gateway of the test's own, on its own ports. */
async function extraGateway(name: string, wsPort: number, tcpPort: number) {
  const gateway = await startGateway(name, wsPort, tcpPort);
  started.push(gateway);
  return gateway;
}

/** Logged in, and closed after the file. */
async function connected(
  service: string,
  account: TestAccount,
  resource?: string,
): Promise<XmppSession> {
  const session = await connectXmpp({ service, account, resource });
  sessions.push(session);
  return session;
}

/** Logged in and available. */
async function online(service: string, account: TestAccount, resource?: string) {
  const session = await connected(service, account, resource);
  await session.xmpp.send(xml('presence'));
  return session;
}

describe('a gateway dies', () => {
  it('its user reconnects through another gateway and keeps chatting', async () => {
    const doomed = await extraGateway('gateway-doomed', 15282, 15224);
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const b = await online(gatewayA!.ws, bob, 'desk');
    const first = await online(doomed.endpoints.ws, alice, 'phone');
    await first.xmpp.send(xml('message', { to: bob.jid, type: 'chat' }, xml('body', {}, 'before')));
    await b.next(isMessageWithBody('before'));

    // No goodbye: the process is killed and its session record stays behind in the table.
    await doomed.stop('SIGKILL');
    await first.closed();

    const again = await online(gatewayA!.ws, alice, 'phone');
    await again.xmpp.send(xml('message', { to: bob.jid, type: 'chat' }, xml('body', {}, 'after')));
    const atBob = await b.next(isMessageWithBody('after'));
    expect(atBob.attrs.from).toBe(`${alice.jid}/phone`);
    await b.xmpp.send(
      xml('message', { to: alice.jid, type: 'chat' }, xml('body', {}, 'welcome back')),
    );
    await again.next(isMessageWithBody('welcome back'));
  });

  it('a gateway that stalls past its heartbeat window but answers keeps its sessions', async () => {
    const stalling = await extraGateway('gateway-stalling', 15284, 15226);
    const dave = await createAccount('dave');
    const erin = await createAccount('erin');
    const d = await connected(gatewayA!.ws, dave);
    const desk = await online(gatewayA!.ws, erin, 'desk');
    const phone = await online(stalling.endpoints.ws, erin, 'phone');
    await desk.next((s) => s.is('presence') && s.attrs.from === `${erin.jid}/phone`);

    // Frozen (as in a long pause of the process or an overloaded host) for longer than the
    // test gateways' GATEWAY_DEAD_AFTER_MS of 2 s (heartbeats every 0.5 s): the other gateway
    // misses its heartbeats 1.5 to 2.5 s into the pause and pings it, with 2 s to answer; it
    // answers as soon as it runs again.
    stalling.process.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 2800));
    stalling.process.kill('SIGCONT');

    const to = `${erin.jid}/phone`;
    await d.xmpp.send(xml('message', { to, type: 'chat' }, xml('body', {}, 'still there?')));
    await phone.next(isMessageWithBody('still there?'));
    // Its session was never reaped: its sibling saw no unavailable presence for it.
    const reaped = await desk
      .next((s) => s.is('presence') && s.attrs.type === 'unavailable', 1000)
      .then(
        () => true,
        () => false,
      );
    expect(reaped).toBe(false);
  });

  it('a gateway frozen until it is reaped ends its streams when it runs again', async () => {
    const frozen = await extraGateway('gateway-frozen', 15285, 15227);
    const frank = await createAccount('frank');
    const grace = await createAccount('grace');
    const f = await connected(gatewayA!.ws, frank);
    const g = await online(frozen.endpoints.ws, grace);

    // Past the 2 s of missed heartbeats and the 2 s the ping waits: the other gateway reaps
    // its sessions, and a message to Grace meanwhile is stored for her.
    frozen.process.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await f.xmpp.send(
      xml('message', { to: grace.jid, type: 'chat' }, xml('body', {}, 'while you were away')),
    );
    frozen.process.kill('SIGCONT');

    // Running again, the gateway finds itself reaped and ends her stream: her client connects
    // again and gets what was stored.
    await g.closed();
    const again = await online(gatewayA!.ws, grace);
    await again.next(isMessageWithBody('while you were away'));
  }, 30_000);

  it('the sessions of a dead gateway are reaped and look unavailable to their siblings', async () => {
    const doomed = await extraGateway('gateway-doomed-2', 15283, 15225);
    const carol = await createAccount('carol');
    const survivor = await online(gatewayA!.ws, carol, 'survivor');
    await online(doomed.endpoints.ws, carol, 'victim');
    await survivor.next(
      (s) => s.is('presence') && s.attrs.from === `${carol.jid}/victim` && !s.attrs.type,
    );

    await doomed.stop('SIGKILL');
    const gone = await survivor.next(
      (s) =>
        s.is('presence') &&
        s.attrs.from === `${carol.jid}/victim` &&
        s.attrs.type === 'unavailable',
      15_000,
    );
    expect(gone).toBeDefined();
  });
});
