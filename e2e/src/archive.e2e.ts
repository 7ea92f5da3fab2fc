import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { xml, type XmlElement } from '@xmpp/client';
import pg from 'pg';
import * as XMPP from 'stanza';
import { admin, waitForJob, type JobView } from './support/admin-api';
import { createAccount, type TestAccount } from './support/accounts';
import { startService, stopProcess } from './support/processes';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';
import { readZip } from './support/zip';
import { databaseUrl, services } from '../../scripts/services.mjs';

const [gatewayA, gatewayB] = inject('gateways');
const tcpB = `xmpp://127.0.0.1:${gatewayB!.tcpPort}`;
const archiveEntry = services.find((service) => service.name === 'archive')!;

const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DATA = 'jabber:x:data';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function login(
  account: TestAccount,
  service: string,
  resource?: string,
  owner = cleanups,
): Promise<XmppSession> {
  const session = await connectXmpp({ service, account, resource });
  owner.push(() => session.stop());
  await session.xmpp.send(xml('presence'));
  return session;
}

async function stanzaLogin(
  account: TestAccount,
  url: string,
  owner = cleanups,
): Promise<XMPP.Agent> {
  const client = XMPP.createClient({
    jid: account.jid,
    password: account.password,
    resource: 'stanza',
    transports: { websocket: url, bosh: false },
  });
  owner.push(() => client.disconnect());
  await new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error('auth failed')));
    client.connect();
  });
  client.sendPresence();
  return client;
}

const chat = (to: string, body: string) =>
  xml('message', { to, type: 'chat', id: body }, xml('body', {}, body));

interface Page {
  bodies: (string | null)[];
  ids: string[];
  complete: string | undefined;
  first?: string;
  last?: string;
  count?: string;
  results: XmlElement[];
}

interface QueryOptions {
  fields?: Record<string, string | string[]>;
  max?: number;
  after?: string;
  before?: string;
  flip?: boolean;
  to?: string;
}

/** An XEP-0313 query with @xmpp/client: the result messages it got before its <fin/>. */
async function mam(session: XmppSession, options: QueryOptions = {}): Promise<Page> {
  const queryid = randomBytes(4).toString('hex');
  const results: XmlElement[] = [];
  const collect = (stanza: XmlElement) => {
    if (stanza.is('message') && stanza.getChild('result', NS_MAM)?.attrs.queryid === queryid) {
      results.push(stanza);
    }
  };
  const fields = Object.entries(options.fields ?? {}).map(([name, value]) =>
    xml('field', { var: name }, ...[value].flat().map((v) => xml('value', {}, v))),
  );
  const set = xml(
    'set',
    { xmlns: NS_RSM },
    options.max === undefined ? undefined : xml('max', {}, String(options.max)),
    options.after === undefined ? undefined : xml('after', {}, options.after),
    options.before === undefined ? undefined : xml('before', {}, options.before),
  );
  session.xmpp.on('stanza', collect);
  try {
    const iq = await session.xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'set', to: options.to },
        xml(
          'query',
          { xmlns: NS_MAM, queryid },
          xml('x', { xmlns: NS_DATA, type: 'submit' }, ...fields),
          set,
          options.flip ? xml('flip-page') : undefined,
        ),
      ),
    );
    const fin = iq.getChild('fin', NS_MAM)!;
    const rsm = fin.getChild('set', NS_RSM);
    const forwarded = (result: XmlElement) =>
      result.getChild('result', NS_MAM)!.getChild('forwarded', NS_FORWARD)!;
    return {
      results,
      bodies: results.map((result) => forwarded(result).getChild('message')!.getChildText('body')),
      ids: results.map((result) => result.getChild('result', NS_MAM)!.attrs.id!),
      complete: fin.attrs.complete,
      first: rsm?.getChildText('first') ?? undefined,
      last: rsm?.getChildText('last') ?? undefined,
      count: rsm?.getChildText('count') ?? undefined,
    };
  } finally {
    session.xmpp.off('stanza', collect);
  }
}

async function stanzaError(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return (error as { condition?: string }).condition ?? String(error);
  }
  return 'no error';
}

/** Waits until the archive (filtered) holds `count` messages; ingestion is asynchronous. */
async function archived(
  session: XmppSession,
  count: number,
  fields: QueryOptions['fields'] = {},
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let held = '';
  while (Date.now() < deadline) {
    // A service just started may not serve its IQs yet.
    held = await mam(session, { fields, max: 0 }).then(
      (page) => page.count ?? '',
      (error: { condition?: string }) => {
        if (error.condition !== 'service-unavailable') {
          throw error;
        }
        return 'no answer';
      },
    );
    if (held === String(count)) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`the archive holds ${held} message(s), not ${count}`);
}

describe('message archive (XEP-0313) with StanzaJS and @xmpp/client', () => {
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  let stanza: XMPP.Agent;
  let a: XmppSession;
  let b: XmppSession;
  // The sessions of the whole describe block.
  const sessions: (() => Promise<unknown> | void)[] = [];
  // Alice's archive in order: a1 b1 a2 b2 c1 a3 note b3; Bob's: a1 b1 a2 b2 a3 b3.
  const aliceBodies = ['a1', 'b1', 'a2', 'b2', 'c1', 'a3', 'note', 'b3'];
  const bobBodies = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'];

  beforeAll(async () => {
    alice = await createAccount('alice');
    bob = await createAccount('bob');
    carol = await createAccount('carol');
    stanza = await stanzaLogin(alice, gatewayA!.ws, sessions);
    const received: string[] = [];
    stanza.on('message', (message) => {
      if (message.body) {
        received.push(message.body);
      }
    });
    b = await login(bob, tcpB, 'laptop', sessions);
    const c = await login(carol, gatewayA!.ws, undefined, sessions);
    const toAlice = async (body: string) => {
      await b.xmpp.send(chat(`${alice.jid}/stanza`, body));
      for (let i = 0; i < 50 && !received.includes(body); i++) {
        await sleep(20);
      }
    };
    const fromAlice = async (to: XmppSession, jid: string, body: string) => {
      stanza.sendMessage({ to: jid, type: 'chat', body });
      await to.next(isMessageWithBody(body));
    };
    // Each one delivered, and a moment apart, so that the archive order is the sending order.
    for (const step of [
      () => fromAlice(b, bob.jid, 'a1'),
      () => toAlice('b1'),
      () => fromAlice(b, bob.jid, 'a2'),
      () => toAlice('b2'),
      () => fromAlice(c, carol.jid, 'c1'),
      // A chat state carries no body: not archived.
      () =>
        b.xmpp.send(
          xml(
            'message',
            { to: alice.jid, type: 'chat' },
            xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' }),
          ),
        ),
      () => fromAlice(b, bob.jid, 'a3'),
      async () => {
        stanza.sendMessage({ to: alice.jid, type: 'chat', body: 'note' });
        for (let i = 0; i < 50 && !received.includes('note'); i++) {
          await sleep(20);
        }
      },
      () => toAlice('b3'),
    ]) {
      await step();
      await sleep(15);
    }
    a = await login(alice, gatewayB!.ws, 'raw', sessions);
    await archived(a, aliceBodies.length);
    await archived(b, bobBodies.length);
  });

  afterAll(async () => {
    await Promise.all(sessions.splice(0).map((cleanup) => cleanup()));
  });

  it('archives each message in both parties’ archives, forwarded with its delay stamp', async () => {
    const all = await stanza.searchHistory({});
    const results = all.results ?? [];
    expect(results.map((r) => r.item.message?.body)).toEqual(aliceBodies);
    expect(all.complete).toBe(true);
    expect(all.paging?.count).toBe(aliceBodies.length);
    for (const result of results) {
      expect(result.item.delay?.timestamp).toBeInstanceOf(Date);
    }
    const b1 = results[1]!.item.message!;
    expect(b1.from).toBe(`${bob.jid}/laptop`);
    // The stanza-id Alice's server added is the archive id.
    expect(b1.stanzaIds?.find((sid) => sid.by === alice.jid)?.id).toBe(results[1]!.id);

    const bobs = await mam(b);
    expect(bobs.bodies).toEqual(bobBodies);
    expect(bobs.complete).toBe('true');
    // One id per message in both archives.
    const aliceIds = results.map((r) => r.id);
    expect(bobs.ids).toEqual([0, 1, 2, 3, 5, 7].map((i) => aliceIds[i]));
  });

  it('filters by bare and full JID, oneself, and time', async () => {
    const bodies = async (options: { with?: string; start?: Date; end?: Date }) =>
      ((await stanza.searchHistory(options)).results ?? []).map((r) => r.item.message?.body);
    expect(await bodies({ with: bob.jid })).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    expect(await bodies({ with: `${bob.jid}/laptop` })).toEqual(['b1', 'b2', 'b3']);
    expect(await bodies({ with: alice.jid })).toEqual(['note']);
    expect(await bodies({ with: carol.jid })).toEqual(['c1']);
    const stamps = ((await stanza.searchHistory({})).results ?? []).map(
      (r) => r.item.delay!.timestamp,
    );
    expect(await bodies({ start: stamps[3], end: stamps[5] })).toEqual(['b2', 'c1', 'a3']);
    expect(await bodies({ start: stamps[6] })).toEqual(['note', 'b3']);
    expect(await bodies({ end: stamps[0] })).toEqual(['a1']);
    // Bob's archive, with @xmpp/client.
    expect((await mam(b, { fields: { with: alice.jid } })).bodies).toEqual(bobBodies);
    // Bob wrote to Alice's full JID: with it, his messages match by 'to', hers by 'from'.
    expect((await mam(b, { fields: { with: `${alice.jid}/stanza` } })).bodies).toEqual(bobBodies);
    expect((await mam(b, { fields: { with: `${alice.jid}/elsewhere` } })).bodies).toEqual([]);
    const none = await mam(b, { fields: { with: carol.jid } });
    expect(none).toMatchObject({ bodies: [], complete: 'true', count: '0' });
  });

  it('pages forward and backward with RSM, complete exactly at the ends', async () => {
    const page = async (paging: { max: number; after?: string; before?: string }) => {
      const fin = await stanza.searchHistory({ paging });
      return {
        bodies: (fin.results ?? []).map((r) => r.item.message?.body),
        complete: fin.complete ?? false,
        first: fin.paging?.first,
        last: fin.paging?.last,
        count: fin.paging?.count,
      };
    };
    const p1 = await page({ max: 3 });
    expect(p1).toMatchObject({ bodies: ['a1', 'b1', 'a2'], complete: false, count: 8 });
    const p2 = await page({ max: 3, after: p1.last });
    expect(p2).toMatchObject({ bodies: ['b2', 'c1', 'a3'], complete: false });
    const p3 = await page({ max: 3, after: p2.last });
    expect(p3).toMatchObject({ bodies: ['note', 'b3'], complete: true });

    // Backward from the end (an empty <before/>), with @xmpp/client.
    const l1 = await mam(a, { max: 3, before: '' });
    expect(l1).toMatchObject({ bodies: ['a3', 'note', 'b3'], complete: 'false', count: '8' });
    expect([l1.first, l1.last]).toEqual([l1.ids[0], l1.ids[2]]);
    const l2 = await page({ max: 3, before: l1.first });
    expect(l2).toMatchObject({ bodies: ['a2', 'b2', 'c1'], complete: false });
    const l3 = await page({ max: 3, before: l2.first });
    expect(l3).toMatchObject({ bodies: ['a1', 'b1'], complete: true });
    // A page that ends exactly on the last message is complete.
    expect(await page({ max: 2, after: p2.last })).toMatchObject({ complete: true });
    // max 0: the count alone.
    expect(await mam(b, { max: 0 })).toMatchObject({ bodies: [], count: '6', complete: 'false' });
  });

  it('serves the extended filters, flipped pages, metadata and the form', async () => {
    const ids = (await mam(b)).ids;
    // Bob's archive: a1 b1 a2 b2 a3 b3.
    const between = await mam(b, { fields: { 'after-id': ids[0]!, 'before-id': ids[5]! } });
    expect(between).toMatchObject({ bodies: ['b1', 'a2', 'b2', 'a3'], complete: 'true' });
    expect((await mam(b, { fields: { ids: [ids[3]!, ids[0]!] } })).bodies).toEqual(['a1', 'b2']);
    const flipped = await mam(b, { max: 2, before: '', flip: true });
    expect(flipped).toMatchObject({ bodies: ['b3', 'a3'], complete: 'false' });
    expect([flipped.first, flipped.last]).toEqual([ids[4], ids[5]]);
    const flippedForward = await mam(b, { max: 4, after: ids[1], flip: true });
    expect(flippedForward).toMatchObject({ bodies: ['b3', 'a3', 'b2', 'a2'], complete: 'true' });

    const metadata = await b.xmpp.iqCaller.request(
      xml('iq', { type: 'get' }, xml('metadata', { xmlns: NS_MAM })),
    );
    const edges = metadata.getChild('metadata', NS_MAM);
    expect(edges?.getChild('start')?.attrs.id).toBe(ids[0]);
    expect(edges?.getChild('end')?.attrs.id).toBe(ids[5]);

    const form = await b.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: bob.jid }, xml('query', { xmlns: NS_MAM })),
    );
    const fields = form.getChild('query', NS_MAM)?.getChild('x', NS_DATA)?.getChildren('field');
    expect(fields?.map((field) => field.attrs.var)).toEqual([
      'FORM_TYPE',
      'with',
      'start',
      'end',
      'before-id',
      'after-id',
      'ids',
    ]);
    const disco = await b.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: bob.jid }, xml('query', { xmlns: NS_DISCO_INFO })),
    );
    const features = disco
      .getChild('query', NS_DISCO_INFO)
      ?.getChildren('feature')
      .map((feature) => feature.attrs.var);
    expect(features).toEqual(expect.arrayContaining([NS_MAM, `${NS_MAM}#extended`]));
  });

  it('answers unknown ids, unknown fields and another user’s archive with errors', async () => {
    const unknown = '018f0f6e-0000-7000-8000-000000000000';
    expect(await stanzaError(mam(b, { after: unknown }))).toBe('item-not-found');
    expect(await stanzaError(mam(b, { before: unknown }))).toBe('item-not-found');
    expect(await stanzaError(mam(b, { fields: { 'after-id': unknown } }))).toBe('item-not-found');
    expect(await stanzaError(mam(b, { fields: { ids: [unknown] } }))).toBe('item-not-found');
    // An id of Bob's archive is unknown in Carol's.
    const bobsFirst = (await mam(b, { max: 1 })).ids[0]!;
    const c = await login(carol, gatewayB!.ws);
    expect(await stanzaError(mam(c, { after: bobsFirst }))).toBe('item-not-found');
    expect(await stanzaError(mam(b, { fields: { 'include-groupchat': 'true' } }))).toBe(
      'feature-not-implemented',
    );
    expect(await stanzaError(mam(b, { to: alice.jid }))).toBe('forbidden');
    expect(
      await stanzaError(
        b.xmpp.iqCaller.request(
          xml('iq', { type: 'get', to: alice.jid }, xml('prefs', { xmlns: NS_MAM })),
        ),
      ),
    ).toBe('forbidden');
  });
});

describe('archiving preferences (XEP-0441)', () => {
  it('archives nothing with a JID on the never list, for that owner only', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const carol = await createAccount('carol');
    const client = await stanzaLogin(alice, gatewayA!.ws);
    expect(await client.getHistoryPreferences()).toMatchObject({ default: 'always' });
    await client.setHistoryPreferences({ default: 'always', never: [carol.jid] });
    const prefs = await client.getHistoryPreferences();
    expect(prefs.default).toBe('always');
    expect(prefs.never?.map(String)).toEqual([carol.jid]);

    const a = await login(alice, gatewayB!.ws, 'raw');
    const c = await login(carol, gatewayB!.ws);
    await c.xmpp.send(chat(alice.jid, 'from carol'));
    await a.next(isMessageWithBody('from carol'));
    await a.xmpp.send(chat(carol.jid, 'to carol'));
    await c.next(isMessageWithBody('to carol'));
    // Archived in stream order: once the message to (offline) Bob is in, Carol's two were.
    await a.xmpp.send(chat(bob.jid, 'to bob'));
    await archived(a, 1);
    await archived(c, 2);
    expect((await mam(a)).bodies).toEqual(['to bob']);
    expect((await mam(c)).bodies).toEqual(['from carol', 'to carol']);
  });
});

describe('archiving preferences: the roster default', () => {
  it('archives only what was exchanged with a contact in the owner’s roster', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const carol = await createAccount('carol');
    const client = await stanzaLogin(alice, gatewayA!.ws);
    await client.updateRosterItem({ jid: bob.jid, name: 'Bob' });
    await client.setHistoryPreferences({ default: 'roster' });
    expect((await client.getHistoryPreferences()).default).toBe('roster');

    const a = await login(alice, gatewayB!.ws, 'raw');
    const b = await login(bob, gatewayA!.ws);
    const c = await login(carol, gatewayB!.ws);
    await c.xmpp.send(chat(alice.jid, 'from carol'));
    await a.next(isMessageWithBody('from carol'));
    await b.xmpp.send(chat(alice.jid, 'from bob'));
    await a.next(isMessageWithBody('from bob'));
    await a.xmpp.send(chat(carol.jid, 'to carol'));
    await c.next(isMessageWithBody('to carol'));
    await a.xmpp.send(chat(bob.jid, 'to bob'));
    await b.next(isMessageWithBody('to bob'));
    // Archived in stream order: once Bob holds both of his, Carol's were archived too.
    await archived(b, 2);
    await archived(c, 2);
    expect((await mam(a)).bodies).toEqual(['from bob', 'to bob']);
    // The others' defaults are theirs: Carol keeps her copies.
    expect((await mam(c)).bodies).toEqual(['from carol', 'to carol']);
  });
});

describe('the archive service stopped and started again', () => {
  const setupPid = inject('setupPid');

  // The copy this file started last, once it has restarted the service.
  let restarted: ChildProcess | undefined;

  /** Stops the running copy of the archive service: the set-up's (by pid) or this file's. */
  async function stopArchive(): Promise<void> {
    if (restarted) {
      await stopProcess(restarted);
      restarted = undefined;
      return;
    }
    const pids = execFileSync('pgrep', ['-P', String(setupPid), '-f', 'apps/archive/dist/main.js'])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    for (const pid of pids) {
      process.kill(pid, 'SIGTERM');
    }
    for (let i = 0; i < 100 && pids.some(isRunning); i++) {
      await sleep(100);
    }
    expect(pids.some(isRunning)).toBe(false);
  }

  /** A copy stays up for the test files after this one; the set-up's teardown ends it. */
  function startArchive(): void {
    restarted = startService('archive', 'archive-restarted', {
      LOG_LEVEL: 'warning',
      ARCHIVE_DATABASE_URL: databaseUrl(archiveEntry),
      SOTTO_E2E_SETUP: String(setupPid),
    });
  }

  it(
    'erases a user whose messages were still on their way to the archive',
    { timeout: 120_000 },
    async () => {
      const alice = await createAccount('alice');
      const bob = await createAccount('bob');
      const a = await login(alice, gatewayA!.ws);
      const b = await login(bob, tcpB);
      let jobId: string;
      try {
        await stopArchive();
        for (let i = 0; i < 100; i++) {
          await a.xmpp.send(chat(bob.jid, `q${i}`));
        }
        await b.next(isMessageWithBody('q99'));
        // The erasure waits for the archive service; when it is back, the queued messages are
        // archived first and then forgotten, never archived after the forget.
        const erased = await admin<{ job: JobView }>(
          'DELETE',
          `/accounts/${encodeURIComponent(bob.jid)}`,
        );
        jobId = erased.body.job.id;
      } finally {
        startArchive();
      }
      const erasure = await waitForJob(jobId, undefined, 60_000);
      expect(erasure.status).toBe('completed');
      expect(erasure.services.archive?.datasets?.find((d) => d.name === 'mam_pm')).toMatchObject({
        deleted: 100,
        kept: 100,
      });
      await archived(a, 100, {}, 30_000);
      const count = (owner: string) =>
        archiveRows('SELECT count(*)::int AS n FROM archived_messages WHERE owner_jid = $1', [
          owner,
        ]);
      expect(await count(bob.jid)).toEqual([{ n: 0 }]);
      expect(await count(alice.jid)).toEqual([{ n: 100 }]);
    },
  );

  it(
    'archives every message sent meanwhile exactly once per party',
    { timeout: 120_000 },
    async () => {
      const alice = await createAccount('alice');
      const bob = await createAccount('bob');
      const a = await login(alice, gatewayA!.ws);
      const b = await login(bob, tcpB);

      try {
        await stopArchive();
        expect(await stanzaError(mam(a, { max: 0 }))).toBe('service-unavailable');

        for (let i = 0; i < 200; i++) {
          await a.xmpp.send(chat(bob.jid, `m${i}`));
        }
        for (let i = 0; i < 200; i++) {
          await b.next(isMessageWithBody(`m${i}`));
        }
      } finally {
        startArchive();
      }
      await archived(a, 200, {}, 30_000);
      await archived(b, 200, {}, 30_000);
      const pages = async (session: XmppSession) => {
        const bodies: (string | null)[] = [];
        const ids: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await mam(session, { max: 100, after });
          bodies.push(...page.bodies);
          ids.push(...page.ids);
          after = page.last;
          if (page.complete === 'true') {
            return { bodies, ids };
          }
        }
      };
      const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
      const [atAlice, atBob] = await Promise.all([pages(a), pages(b)]);
      expect(new Set(atAlice.ids).size).toBe(200);
      expect(atBob.ids).toEqual(atAlice.ids);
      expect(atBob.bodies).toEqual(atAlice.bodies);
      // Every message once, in sending order to the millisecond: the archive orders by id, and
      // the gateway's UUID v7 ids are random below the millisecond, so within one millisecond
      // a burst has no defined order (yet: a monotonic UUID v7 in the gateway would give one).
      const millisecond = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      const inOrder = atAlice.ids
        .map((id, i) => ({ id, n: Number(atAlice.bodies[i]!.slice(1)) }))
        .sort((x, y) => millisecond(x.id) - millisecond(y.id) || x.n - y.n)
        .map(({ n }) => `m${n}`);
      expect(inOrder).toEqual(sent);
      // And in the database itself: exactly one row per message per party.
      const rows = await archiveRows(
        `SELECT owner_jid, count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids
       FROM archived_messages WHERE owner_jid = ANY($1) GROUP BY owner_jid ORDER BY owner_jid`,
        [[alice.jid, bob.jid]],
      );
      expect(rows).toEqual(
        [alice.jid, bob.jid]
          .sort()
          .map((owner) => ({ owner_jid: owner, n: 200, distinct_ids: 200 })),
      );
    },
  );
});

describe('GDPR through the orchestrator', () => {
  it('exports the subject’s archive only, and erasure keeps the other party’s copies', async () => {
    const alice = await createAccount('subject');
    const bob = await createAccount('bob');
    const carol = await createAccount('carol');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);
    const c = await login(carol, gatewayA!.ws);
    await a.xmpp.send(chat(bob.jid, 'hello bob'));
    await b.next(isMessageWithBody('hello bob'));
    await b.xmpp.send(chat(`${alice.jid}/${a.jid.split('/')[1]}`, 'hello alice'));
    await a.next(isMessageWithBody('hello alice'));
    await b.xmpp.send(chat(carol.jid, 'not about alice'));
    await c.next(isMessageWithBody('not about alice'));
    await archived(a, 2);
    await archived(b, 3);
    const aliceIds = (await mam(a)).ids;

    const exported = await admin<{ job: JobView }>('POST', '/exports', { jid: alice.jid });
    const job = await waitForJob(exported.body.job.id);
    expect(job.status).toBe('completed');
    expect(job.services.archive).toMatchObject({ status: 'completed', records: 2 });
    const zip = await readZip((await admin<Buffer>('GET', `/exports/${job.id}/archive`)).body);
    const rows = JSON.parse(zip.get('archive/mam_pm.json')!.toString('utf8')) as {
      id: string;
      from: string;
      message: string;
    }[];
    expect(rows.map((row) => row.id)).toEqual(aliceIds);
    expect(rows.map((row) => row.from)).toEqual([alice.jid, `${bob.jid}/${b.jid.split('/')[1]}`]);
    expect(rows[0]!.message).toContain('<body>hello bob</body>');
    expect(JSON.stringify(rows)).not.toContain('not about alice');
    const csv = zip.get('archive/mam_pm.csv')!.toString('utf8').split('\r\n');
    expect(csv[0]).toBe('id,from,message');
    expect(csv).toHaveLength(4);

    const erased = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    const erasure = await waitForJob(erased.body.job.id);
    expect(erasure.status).toBe('completed');
    expect(erasure.services.archive?.datasets?.find((d) => d.name === 'mam_pm')).toEqual({
      name: 'mam_pm',
      deleted: 2,
      kept: 2,
      keptReason: 'the other party’s copies of 1:1 messages',
    });
    const left = await archiveRows(
      'SELECT count(*)::int AS n FROM archived_messages WHERE owner_jid = $1',
      [alice.jid],
    );
    expect(left).toEqual([{ n: 0 }]);
    // Bob keeps his copies, under the same ids.
    const bobs = await mam(b, { fields: { with: alice.jid } });
    expect(bobs).toMatchObject({ bodies: ['hello bob', 'hello alice'], ids: aliceIds });
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Reads the archive database directly, as its own role. */
async function archiveRows(sql: string, params: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: databaseUrl(archiveEntry) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
