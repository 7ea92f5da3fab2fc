import { afterEach, describe, expect, inject, it } from 'vitest';
import { execSync } from 'node:child_process';
import { xml, type XmlElement } from '@xmpp/client';
import pg from 'pg';
import * as XMPP from 'stanza';
import { RpcError } from '@sotto/nats';
import { admin, waitForJob, type JobView } from './support/admin-api';
import { bus, createAccount, type TestAccount } from './support/accounts';
import { startService } from './support/processes';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';
import { readZip } from './support/zip';
import { databaseUrl, services } from '../../scripts/services.mjs';

const [gatewayA, gatewayB] = inject('gateways');
const NS_DELAY = 'urn:xmpp:delay';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const offlineEntry = services.find((service) => service.name === 'offline')!;
// The quota the set-up gives the offline service (`e2eEnv` in scripts/services.mjs).
const QUOTA = 5;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function login(
  account: TestAccount,
  service = gatewayA!.ws,
  resource?: string,
): Promise<XmppSession> {
  const session = await connectXmpp({ service, account, resource });
  cleanups.push(() => session.stop());
  return session;
}

const chat = (to: string, body: string) =>
  xml('message', { to, type: 'chat', id: body }, xml('body', {}, body));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the offline service holds exactly `count` messages for `jid`. */
async function waitForStored(jid: string, count: number, timeoutMs = 10_000): Promise<void> {
  const nats = await bus();
  const deadline = Date.now() + timeoutMs;
  let held = -1;
  while (Date.now() < deadline) {
    held = (await nats.request('offline.fetch', { jid, max: 100 })).messages.length;
    if (held === count) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`offline storage holds ${held} message(s), not ${count}`);
}

/** Resolves once `offline.fetch` answers (`true`) or once nothing serves it (`false`). */
async function waitForOfflineService(serving: boolean): Promise<void> {
  const nats = await bus();
  for (let attempt = 0; attempt < 150; attempt++) {
    const answered = await nats
      .request('offline.fetch', { jid: 'probe@localhost', max: 1 }, 500)
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof RpcError) {
            return false;
          }
          throw error;
        },
      );
    if (answered === serving) {
      return;
    }
    await sleep(200);
  }
  throw new Error(`the offline service is still ${serving ? 'away' : 'answering'}`);
}

function expectDelay(message: XmlElement, sentAfter: number, sentBefore: number): void {
  const delay = message.getChild('delay', NS_DELAY);
  expect(delay, 'a XEP-0203 delay stamp').toBeDefined();
  expect(delay!.attrs.from).toBe('localhost');
  const stamp = Date.parse(delay!.attrs.stamp ?? '');
  expect(stamp).toBeGreaterThanOrEqual(sentAfter);
  expect(stamp).toBeLessThanOrEqual(sentBefore);
}

async function stanzaLogin(account: TestAccount, url: string): Promise<XMPP.Agent> {
  const client = XMPP.createClient({
    jid: account.jid,
    password: account.password,
    resource: 'stanza',
    transports: { websocket: url, bosh: false },
  });
  cleanups.push(() => client.disconnect());
  await new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error('auth failed')));
    client.connect();
  });
  return client;
}

describe('offline messages (XEP-0160)', () => {
  it('stores a message to an offline user and delivers it once, delay-stamped, on login', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login(alice);
    const sentAfter = Date.now();
    // One after the other: the gateway processes a sender's messages concurrently, so two sent
    // back to back may reach the stream in either order.
    for (const [index, body] of ['first', 'second', 'third'].entries()) {
      await a.xmpp.send(chat(bob.jid, body));
      await waitForStored(bob.jid, index + 1);
    }
    const sentBefore = Date.now();

    const b = await login(bob, `xmpp://127.0.0.1:${gatewayB!.tcpPort}`, 'phone');
    // Nothing before the initial presence (XEP-0160 §2: on non-negative available presence).
    await expect(b.next((s) => s.is('message'), 500)).rejects.toThrow();
    await b.xmpp.send(xml('presence'));
    for (const body of ['first', 'second', 'third']) {
      const got = await b.next((s) => s.is('message'));
      expect(got.getChildText('body')).toBe(body);
      expect(got.attrs.from).toBe(a.jid);
      expectDelay(got, sentAfter, sentBefore);
      expect(got.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.by).toBe(bob.jid);
    }
    await waitForStored(bob.jid, 0);
    await b.stop();

    const again = await login(bob, gatewayA!.ws, 'laptop');
    await again.xmpp.send(xml('presence'));
    await expect(again.next((s) => s.is('message'), 1500)).rejects.toThrow();
  });

  it('delivers the stored messages once when two resources come online at once on two gateways', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login(alice);
    const bodies = Array.from({ length: QUOTA }, (_, i) => `stored ${i}`);
    for (const [index, body] of bodies.entries()) {
      await a.xmpp.send(chat(bob.jid, body));
      await waitForStored(bob.jid, index + 1);
    }
    const onA = await login(bob, gatewayA!.ws, 'desk');
    const onB = await login(bob, `xmpp://127.0.0.1:${gatewayB!.tcpPort}`, 'phone');
    const received: string[] = [];
    for (const session of [onA, onB]) {
      session.xmpp.on('stanza', (stanza: XmlElement) => {
        const body = stanza.is('message') ? stanza.getChildText('body') : null;
        if (body?.startsWith('stored ')) {
          received.push(body);
        }
      });
    }
    await Promise.all([onA.xmpp.send(xml('presence')), onB.xmpp.send(xml('presence'))]);
    await waitForStored(bob.jid, 0);
    // Anything a second run would deliver arrives right after the first one's: give it time.
    await sleep(1500);
    expect(received.sort()).toEqual([...bodies].sort());
  });

  it('keeps the messages from a resource with negative priority, for the next one', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login(alice);
    const shy = await login(bob, gatewayA!.ws, 'shy');
    await shy.xmpp.send(xml('presence', {}, xml('priority', {}, '-1')));
    await a.xmpp.send(chat(bob.jid, 'for a real resource'));
    await waitForStored(bob.jid, 1);
    await expect(shy.next(isMessageWithBody('for a real resource'), 1000)).rejects.toThrow();
    // The same resource raising its priority gets them now.
    await shy.xmpp.send(xml('presence', {}, xml('priority', {}, '1')));
    await shy.next(isMessageWithBody('for a real resource'));
    await waitForStored(bob.jid, 0);
  });

  it('advertises offline storage in the server’s disco#info (XEP-0160 §4)', async () => {
    const alice = await createAccount('alice');
    const a = await login(alice);
    const info = await a.xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const features = info.getChild('query')?.getChildren('feature');
    expect(features?.map((feature) => feature.attrs.var)).toContain('msgoffline');
  });

  it('answers a message to an unknown user with service-unavailable at once', async () => {
    const alice = await createAccount('alice');
    const a = await login(alice);
    const nobody = `nobody-${Date.now()}@localhost`;
    await a.xmpp.send(chat(nobody, 'into the void'));
    const error = await a.next(
      (s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'into the void',
      2000,
    );
    expect(error.attrs.from).toBe(nobody);
    expect(error.getChild('error')?.getChild('service-unavailable', NS_STANZAS)).toBeDefined();
    await waitForStored(nobody, 0);
  });

  it('bounces with service-unavailable once the recipient’s storage is full', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login(alice);
    for (let i = 1; i <= QUOTA; i++) {
      await a.xmpp.send(chat(bob.jid, `m${i}`));
    }
    await waitForStored(bob.jid, QUOTA);
    await a.xmpp.send(chat(bob.jid, `m${QUOTA + 1}`));
    const error = await a.next((s) => s.is('message') && s.attrs.type === 'error', 10_000);
    expect(error.attrs.id).toBe(`m${QUOTA + 1}`);
    expect(error.attrs.from).toBe(bob.jid);
    expect(error.attrs.to).toBe(a.jid);
    expect(error.getChildText('body')).toBe(`m${QUOTA + 1}`);
    const condition = error.getChild('error');
    expect(condition?.attrs.type).toBe('cancel');
    expect(condition?.getChild('service-unavailable', NS_STANZAS)).toBeDefined();
    // Only the one over the quota came back.
    await expect(a.next((s) => s.attrs.type === 'error', 1000)).rejects.toThrow();
    await waitForStored(bob.jid, QUOTA);

    const b = await login(bob, gatewayB!.ws);
    await b.xmpp.send(xml('presence'));
    for (let i = 1; i <= QUOTA; i++) {
      await b.next(isMessageWithBody(`m${i}`));
    }
    await waitForStored(bob.jid, 0);
  });

  it(
    'loses nothing while the offline service is stopped and started again',
    { timeout: 60_000 },
    async () => {
      const alice = await createAccount('alice');
      const bob = await createAccount('bob');
      const a = await login(alice);
      await a.xmpp.send(chat(bob.jid, 'stored before'));
      await waitForStored(bob.jid, 1);

      // The set-up's copy (a child of the set-up process) goes away.
      execSync(`pkill -P ${inject('setupPid')} -f apps/offline/dist/main.js`);
      try {
        await waitForOfflineService(false);
        // A login meanwhile delivers nothing, and loses nothing.
        const early = await login(bob, gatewayB!.ws, 'early');
        await early.xmpp.send(xml('presence'));
        await expect(early.next((s) => s.is('message'), 1000)).rejects.toThrow();
        await early.stop();
        for (const body of ['sent while down 1', 'sent while down 2']) {
          await a.xmpp.send(chat(bob.jid, body));
          // Apart, so that the stream has them in this order (see the first test).
          await sleep(300);
        }
      } finally {
        // A copy stays up for the test files after this one; the set-up's teardown ends it.
        startService('offline', 'offline-restarted', {
          LOG_LEVEL: 'warning',
          OFFLINE_DATABASE_URL: databaseUrl(offlineEntry),
          ...offlineEntry.e2eEnv,
          SOTTO_E2E_SETUP: String(inject('setupPid')),
        });
        await waitForOfflineService(true);
      }
      await waitForStored(bob.jid, 3);

      // StanzaJS reads the delay stamp itself.
      const client = await stanzaLogin(bob, gatewayA!.ws);
      const received: XMPP.Stanzas.ReceivedMessage[] = [];
      client.on('message', (message) => {
        if (message.body) {
          received.push(message);
        }
      });
      client.sendPresence();
      for (let attempt = 0; attempt < 50 && received.length < 3; attempt++) {
        await sleep(100);
      }
      expect(received.map((message) => message.body)).toEqual([
        'stored before',
        'sent while down 1',
        'sent while down 2',
      ]);
      for (const message of received) {
        expect(message.delay?.from).toBe('localhost');
        expect(message.delay?.timestamp).toBeInstanceOf(Date);
      }
      await waitForStored(bob.jid, 0);
    },
  );

  it('exports the messages addressed to the subject and forgets them on erasure', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const carol = await createAccount('carol');
    const a = await login(alice);
    await a.xmpp.send(chat(bob.jid, 'for bob 1'));
    await a.xmpp.send(chat(bob.jid, 'for bob 2'));
    const b = await login(bob, gatewayB!.ws);
    // Bob sends to Carol (offline) without ever becoming available himself.
    await b.xmpp.send(chat(carol.jid, 'from bob to carol'));
    await waitForStored(bob.jid, 2);
    await waitForStored(carol.jid, 1);
    await b.stop();

    const exported = await admin<{ job: JobView }>('POST', '/exports', { jid: bob.jid });
    expect(exported.status).toBe(202);
    const exportJob = await waitForJob(exported.body.job.id);
    expect(exportJob.status).toBe('completed');
    expect(exportJob.services.offline).toMatchObject({ status: 'completed', records: 2 });
    const files = await readZip(
      (await admin<Buffer>('GET', `/exports/${exportJob.id}/archive`)).body,
    );
    const rows = JSON.parse(files.get('offline/offline.json')!.toString('utf8')) as Record<
      string,
      string
    >[];
    expect(rows.map((row) => row.to)).toEqual([bob.jid, bob.jid]);
    expect(rows.map((row) => row.from)).toEqual([a.jid, a.jid]);
    expect(rows[0]!.packet).toContain('for bob 1');
    expect(rows[1]!.packet).toContain('for bob 2');
    expect(rows[0]!.packet).toContain(NS_DELAY);
    expect(Date.parse(rows[0]!.timestamp!)).not.toBeNaN();
    expect(JSON.stringify(rows)).not.toContain('from bob to carol');
    const csv = files.get('offline/offline.csv')!.toString('utf8').split(/\r?\n/);
    expect(csv[0]).toBe('timestamp,from,to,packet');

    const erased = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(bob.jid)}`,
    );
    expect(erased.status).toBe(202);
    const erasure = await waitForJob(erased.body.job.id);
    expect(erasure.status).toBe('completed');
    const dataset = erasure.services.offline?.datasets?.find((d) => d.name === 'offline');
    expect(dataset).toMatchObject({ deleted: 2, kept: 1 });
    expect(dataset?.keptReason).toMatch(/recipients/);
    expect(await storedRows(bob.jid)).toBe(0);
    // Carol still gets what Bob sent her.
    expect(await storedRows(carol.jid)).toBe(1);
    const c = await login(carol, gatewayA!.ws);
    await c.xmpp.send(xml('presence'));
    await c.next(isMessageWithBody('from bob to carol'));
  });
});

/** Messages the offline database holds for `jid`, read from the database itself. */
async function storedRows(jid: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl(offlineEntry) });
  await client.connect();
  try {
    const result = await client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM offline_messages WHERE owner_jid = $1',
      [jid],
    );
    return result.rows[0]!.count;
  } finally {
    await client.end();
  }
}
