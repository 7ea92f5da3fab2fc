import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml, type XmlElement } from '@xmpp/client';
import pg from 'pg';
import * as XMPP from 'stanza';
import { admin, waitForJob, type JobView } from './support/admin-api';
import { createAccount, type TestAccount } from './support/accounts';
import { startService } from './support/processes';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';
import { readZip } from './support/zip';
import { databaseUrl, services } from '../../scripts/services.mjs';

const [gatewayA, gatewayB] = inject('gateways');
const setupPid = inject('setupPid');
const inboxEntry = services.find((service) => service.name === 'inbox')!;
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const NS_ESL = 'erlang-solutions.com:xmpp:inbox:0';
const NS_CONVERSATION = 'erlang-solutions.com:xmpp:inbox:0#conversation';
const NS_INBOX = 'urn:xmpp:inbox:1';
const NS_MARKERS = 'urn:xmpp:chat-markers:0';
const NS_RSM = 'http://jabber.org/protocol/rsm';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function login(
  account: TestAccount,
  service: string,
  resource?: string,
): Promise<XmppSession> {
  const session = await connectXmpp({ service, account, resource });
  cleanups.push(() => session.stop());
  await session.xmpp.send(xml('presence'));
  return session;
}

const chat = (to: string, body: string) =>
  xml(
    'message',
    { to, type: 'chat', id: body },
    xml('body', {}, body),
    xml('markable', { xmlns: NS_MARKERS }),
  );
const displayed = (to: string, id: string) =>
  xml('message', { to, type: 'chat' }, xml('displayed', { xmlns: NS_MARKERS, id }));

interface Answer {
  /** The result messages, in the order they came. */
  results: XmlElement[];
  /** The IQ result's child. */
  fin: XmlElement;
}

/** Sends an inbox IQ and collects the result messages that come before its answer. */
async function ask(session: XmppSession, iq: XmlElement, queryId: string): Promise<Answer> {
  const results: XmlElement[] = [];
  const collect = (stanza: XmlElement) => {
    const child = stanza.getChild('result') ?? stanza.getChild('entry', NS_INBOX);
    if (stanza.is('message') && (child?.attrs.queryid === queryId || child?.name === 'entry')) {
      results.push(stanza);
    }
  };
  session.xmpp.on('stanza', collect);
  try {
    const reply = await session.xmpp.iqCaller.request(iq);
    return { results, fin: reply.getChild('fin')! };
  } finally {
    session.xmpp.removeListener('stanza', collect);
  }
}

/** MongooseIM's inbox query with form fields and RSM. */
function eslInbox(
  session: XmppSession,
  fields: Record<string, string> = {},
  rsm: XmlElement[] = [],
  to?: string,
): Promise<Answer> {
  const queryId = randomUUID();
  const form = xml(
    'x',
    { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { type: 'hidden', var: 'FORM_TYPE' }, xml('value', {}, NS_ESL)),
    ...Object.entries(fields).map(([name, value]) =>
      xml('field', { var: name }, xml('value', {}, value)),
    ),
  );
  const set = rsm.length > 0 ? xml('set', { xmlns: NS_RSM }, ...rsm) : undefined;
  const iq = xml(
    'iq',
    { type: 'set', to },
    xml('inbox', { xmlns: NS_ESL, queryid: queryId }, form, set),
  );
  return ask(session, iq, queryId);
}

interface Conversation {
  jid: string;
  unread: number;
  body: string | null;
  read: string | null;
}

/** The conversations of a MongooseIM inbox answer, as the test compares them. */
function conversations({ results }: Answer): Conversation[] {
  return results.map((message) => {
    const result = message.getChild('result', NS_ESL)!;
    const forwarded = result.getChild('forwarded', 'urn:xmpp:forward:0')!;
    const inner = forwarded.getChild('message')!;
    const own = inner.attrs.from?.split('/')[0];
    const to = inner.attrs.to?.split('/')[0];
    return {
      jid: (own === message.attrs.from ? to : own) ?? '',
      unread: Number(result.attrs.unread),
      body: inner.getChildText('body'),
      read: result.getChildText('read'),
    };
  });
}

/** Polls `read` until `done` holds: the inbox is written from the stream, after delivery. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function inboxOf(session: XmppSession, fields?: Record<string, string>) {
  return conversations(await eslInbox(session, fields));
}

const text = (answer: XmlElement, name: string) => answer.getChildText(name);

describe('inbox: erlang-solutions.com:xmpp:inbox:0', () => {
  it('follows messages and markers for both parties across two gateways', async () => {
    const alice = await createAccount('inbox');
    const bob = await createAccount('inbox');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);

    // One at a time: the order the inbox follows is the order the server accepted them in.
    for (const body of ['m1', 'm2', 'm3']) {
      await a.xmpp.send(chat(bob.jid, body));
      await b.next(isMessageWithBody(body));
    }
    const bobs = await eventually(
      () => inboxOf(b),
      (list) => list[0]?.body === 'm3',
    );
    expect(bobs).toEqual([{ jid: alice.jid, unread: 3, body: 'm3', read: 'false' }]);
    // The sender's own messages are read.
    expect(await inboxOf(a)).toEqual([{ jid: bob.jid, unread: 0, body: 'm3', read: 'true' }]);
    const fin = (await eslInbox(b)).fin;
    expect([
      text(fin, 'count'),
      text(fin, 'unread-messages'),
      text(fin, 'active-conversations'),
    ]).toEqual(['1', '3', '1']);

    // Bob has seen the last message: his entry is read, Alice's unchanged.
    await b.xmpp.send(displayed(alice.jid, 'm3'));
    await a.next((s) => s.getChild('displayed', NS_MARKERS) !== undefined);
    expect(
      await eventually(
        () => inboxOf(b),
        (list) => list[0]?.unread === 0,
      ),
    ).toEqual([{ jid: alice.jid, unread: 0, body: 'm3', read: 'true' }]);
    expect((await inboxOf(a))[0]?.unread).toBe(0);

    // Bob answers: Alice has one unread message, Bob's own entry shows his reply, read.
    await b.xmpp.send(chat(alice.jid, 'r1'));
    expect(
      await eventually(
        () => inboxOf(a),
        (list) => list[0]?.body === 'r1',
      ),
    ).toEqual([{ jid: bob.jid, unread: 1, body: 'r1', read: 'false' }]);
    expect(await inboxOf(b)).toEqual([{ jid: alice.jid, unread: 0, body: 'r1', read: 'true' }]);
  });

  it('StanzaJS marks a message displayed and the inbox counts it read', async () => {
    const alice = await createAccount('inbox');
    const bob = await createAccount('inbox');
    const a = await login(alice, gatewayA!.ws);
    const client = XMPP.createClient({
      jid: bob.jid,
      password: bob.password,
      resource: 'stanza',
      transports: { websocket: gatewayB!.ws, bosh: false },
    });
    cleanups.push(() => client.disconnect());
    await new Promise<void>((resolve, reject) => {
      client.once('session:started', () => resolve());
      client.once('auth:failed', () => reject(new Error('auth failed')));
      client.connect();
    });
    client.sendPresence();
    const received = new Promise<XMPP.Stanzas.ReceivedMessage>((resolve) =>
      client.on('chat', resolve),
    );
    // To the full JID: bound is enough, whether or not the presence has spread yet.
    await a.xmpp.send(chat(`${bob.jid}/stanza`, 'markable'));
    const message = await received;
    // Bob's other session (no presence, so it gets no chat) reads his inbox.
    const reader = await connectXmpp({ service: gatewayA!.ws, account: bob, resource: 'reader' });
    cleanups.push(() => reader.stop());
    await eventually(
      () => inboxOf(reader),
      (list) => list[0]?.unread === 1,
    );
    client.markDisplayed(message);
    expect(
      await eventually(
        () => inboxOf(reader),
        (list) => list[0]?.unread === 0,
      ),
    ).toEqual([{ jid: alice.jid, unread: 0, body: 'markable', read: 'true' }]);
  });

  it('filters, orders and pages with RSM', async () => {
    const [alice, bob, carol, dave] = await Promise.all(
      ['inbox', 'inbox', 'inbox', 'inbox'].map((prefix) => createAccount(prefix)),
    );
    const a = await login(alice, gatewayA!.ws);
    const others = await Promise.all([
      login(bob, gatewayB!.ws),
      login(carol, gatewayA!.ws),
      login(dave, gatewayB!.ws),
    ]);
    for (const [i, session] of others.entries()) {
      await session.xmpp.send(chat(alice.jid, `hello ${i}`));
      await a.next(isMessageWithBody(`hello ${i}`));
    }
    await a.xmpp.send(chat(carol.jid, 'read carol'));
    await eventually(
      () => inboxOf(a),
      (list) => list.length === 3 && list.some((c) => c.body === 'read carol'),
    );
    const newestFirst = (await inboxOf(a)).map((c) => c.jid);
    expect(newestFirst).toEqual([carol.jid, dave.jid, bob.jid]);
    expect((await inboxOf(a, { order: 'asc' })).map((c) => c.jid)).toEqual([
      bob.jid,
      dave.jid,
      carol.jid,
    ]);
    expect((await inboxOf(a, { hidden_read: 'true' })).map((c) => c.jid)).toEqual([
      dave.jid,
      bob.jid,
    ]);
    expect(await inboxOf(a, { start: '2999-01-01T00:00:00Z' })).toEqual([]);

    // Pages of two: the first, then after its last; and back before the second page.
    const first = await eslInbox(a, {}, [xml('max', {}, '2')]);
    expect(conversations(first).map((c) => c.jid)).toEqual([carol.jid, dave.jid]);
    const last = first.fin.getChild('set', NS_RSM)!.getChildText('last')!;
    const second = await eslInbox(a, {}, [xml('max', {}, '2'), xml('after', {}, last)]);
    expect(conversations(second).map((c) => c.jid)).toEqual([bob.jid]);
    expect(text(second.fin, 'count')).toBe('3');
    const firstOfSecond = second.fin.getChild('set', NS_RSM)!.getChildText('first')!;
    const back = await eslInbox(a, {}, [xml('max', {}, '1'), xml('before', {}, firstOfSecond)]);
    expect(conversations(back).map((c) => c.jid)).toEqual([dave.jid]);

    await expect(eslInbox(a, { start: 'invalid' })).rejects.toThrow(/bad-request/);
  });

  it('resets a conversation’s unread count with the reset request', async () => {
    const alice = await createAccount('inbox');
    const bob = await createAccount('inbox');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);
    for (const body of ['one', 'two']) {
      await b.xmpp.send(chat(alice.jid, body));
      await a.next(isMessageWithBody(body));
    }
    await eventually(
      () => inboxOf(a),
      (list) => list[0]?.unread === 2,
    );
    const reply = await a.xmpp.iqCaller.request(
      xml('iq', { type: 'set' }, xml('reset', { xmlns: NS_CONVERSATION, jid: bob.jid })),
    );
    expect(reply.getChild('reset', NS_CONVERSATION)).toBeDefined();
    expect(await inboxOf(a)).toEqual([{ jid: bob.jid, unread: 0, body: 'two', read: 'true' }]);
    // Bob's side is his own.
    expect((await inboxOf(b))[0]?.unread).toBe(0);

    // The conversation's properties: read again, then archived (and out of the inbox box).
    const properties = await a.xmpp.iqCaller.request(
      xml('iq', { type: 'get' }, xml('query', { xmlns: NS_CONVERSATION, jid: bob.jid })),
    );
    expect(properties.getChild('query', NS_CONVERSATION)?.getChildText('read')).toBe('true');
    await a.xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('query', { xmlns: NS_CONVERSATION, jid: bob.jid }, xml('box', {}, 'archive')),
      ),
    );
    // Alice's sessions are told of the change.
    const update = await a.next((s) => s.getChild('x', NS_CONVERSATION)?.attrs.jid === bob.jid);
    expect(update.getChild('x', NS_CONVERSATION)?.getChildText('box')).toBe('archive');
    expect(await inboxOf(a, { box: 'inbox' })).toEqual([]);
    expect((await inboxOf(a, { box: 'archive' })).map((c) => c.jid)).toEqual([bob.jid]);
  });

  it('refuses another user’s inbox', async () => {
    const alice = await createAccount('inbox');
    const bob = await createAccount('inbox');
    const a = await login(alice, gatewayA!.ws);
    await expect(eslInbox(a, {}, [], bob.jid)).rejects.toThrow(/forbidden/);
    await expect(
      a.xmpp.iqCaller.request(
        xml('iq', { type: 'get', to: bob.jid }, xml('inbox', { xmlns: NS_INBOX })),
      ),
    ).rejects.toThrow(/forbidden/);
    await expect(
      a.xmpp.iqCaller.request(
        xml(
          'iq',
          { type: 'set', to: bob.jid },
          xml('reset', { xmlns: NS_CONVERSATION, jid: alice.jid }),
        ),
      ),
    ).rejects.toThrow(/forbidden/);
    // Addressed to one's own bare JID is the same as no `to`.
    expect((await eslInbox(a, {}, [], alice.jid)).results).toEqual([]);
  });

  it('advertises both inbox namespaces', async () => {
    const alice = await createAccount('inbox');
    const a = await login(alice, gatewayA!.ws);
    for (const to of ['localhost', alice.jid]) {
      const info = await a.xmpp.iqCaller.request(
        xml(
          'iq',
          { type: 'get', to },
          xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
        ),
      );
      const features = info
        .getChild('query', 'http://jabber.org/protocol/disco#info')
        ?.getChildren('feature')
        .map((feature) => feature.attrs.var);
      expect(features).toEqual(expect.arrayContaining([NS_ESL, NS_INBOX]));
    }
  });
});

describe('inbox: urn:xmpp:inbox:1 (XEP-0430)', () => {
  it('lists entries with the last message as a MAM result, and the totals', async () => {
    const alice = await createAccount('inbox');
    const bob = await createAccount('inbox');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);
    await b.xmpp.send(chat(alice.jid, 'xep'));
    const delivered = await a.next(isMessageWithBody('xep'));
    const stanzaId = delivered.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id;
    await eventually(
      () => inboxOf(a),
      (list) => list.length === 1,
    );
    const queryId = randomUUID();
    const answer = await ask(
      a,
      xml('iq', { type: 'get', id: queryId }, xml('inbox', { xmlns: NS_INBOX })),
      queryId,
    );
    expect(answer.results).toHaveLength(1);
    const entry = answer.results[0]!.getChild('entry', NS_INBOX)!;
    expect(entry.attrs).toMatchObject({ jid: bob.jid, unread: '1', id: stanzaId });
    const result = answer.results[0]!.getChild('result', 'urn:xmpp:mam:2')!;
    expect(result.attrs).toMatchObject({ queryid: queryId, id: stanzaId });
    expect(
      result.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message')?.getChildText('body'),
    ).toBe('xep');
    expect(answer.fin.attrs).toMatchObject({ total: '1', unread: '1', 'all-unread': '1' });

    const elided = await ask(
      a,
      xml('iq', { type: 'get' }, xml('inbox', { xmlns: NS_INBOX, messages: 'false' })),
      '',
    );
    expect(elided.results[0]!.getChild('result')).toBeUndefined();
  });
});

/** Inbox rows in the service's own database. */
async function storedEntries(owner: string, remote?: string): Promise<number> {
  const url = new URL(adminUrl);
  url.pathname = '/sotto_inbox';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const result = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM inbox_entries
       WHERE owner_jid = $1 AND ($2::text IS NULL OR remote_jid = $2)`,
      [owner, remote ?? null],
    );
    return result.rows[0]!.count;
  } finally {
    await client.end();
  }
}

describe('inbox: GDPR through the orchestrator', () => {
  it('exports the subject’s own rows; erasure removes them and the other party keeps its entry', async () => {
    const alice = await createAccount('inbox-gdpr');
    const bob = await createAccount('inbox-gdpr');
    const carol = await createAccount('inbox-gdpr');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);
    const c = await login(carol, gatewayB!.ws);
    await a.xmpp.send(chat(bob.jid, 'alice to bob'));
    await b.next(isMessageWithBody('alice to bob'));
    await b.xmpp.send(chat(alice.jid, 'bob to alice'));
    await a.next(isMessageWithBody('bob to alice'));
    await c.xmpp.send(chat(bob.jid, 'carol to bob'));
    await eventually(
      async () => [await inboxOf(a), await inboxOf(b)] as const,
      ([ofAlice, ofBob]) => ofAlice[0]?.body === 'bob to alice' && ofBob.length === 2,
    );

    const started = await admin<{ job: JobView }>('POST', '/exports', { jid: alice.jid });
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body.job.id);
    expect(job.status).toBe('completed');
    const files = await readZip((await admin<Buffer>('GET', `/exports/${job.id}/archive`)).body);
    const rows = JSON.parse(files.get('inbox/inbox.json')!.toString('utf8')) as Record<
      string,
      unknown
    >[];
    expect(rows).toEqual([
      {
        jid: bob.jid,
        content: expect.stringContaining('bob to alice') as string,
        unread_count: 1,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) as string,
      },
    ]);
    expect(files.get('inbox/inbox.csv')?.toString('utf8').split(/\r?\n/)[0]).toBe(
      'jid,content,unread_count,timestamp',
    );
    const everything = [...files.values()].map((file) => file.toString('utf8')).join('\n');
    expect(everything).not.toContain('carol to bob');

    const erasure = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    expect(erasure.status).toBe(202);
    const erased = await waitForJob(erasure.body.job.id);
    expect(erased.status).toBe('completed');
    expect(erased.services.inbox?.datasets?.find((d) => d.name === 'inbox')).toMatchObject({
      deleted: 1,
      kept: 1,
    });
    expect(await storedEntries(alice.jid)).toBe(0);
    expect(await storedEntries(bob.jid, alice.jid)).toBe(1);
    // Bob still has both conversations, the one with Alice included.
    expect((await inboxOf(b)).map((conversation) => conversation.jid).sort()).toEqual(
      [alice.jid, carol.jid].sort(),
    );
  }, 60_000);
});

describe('inbox: a stopped service catches up', () => {
  it(
    'counts every message exactly once after a hard kill in the middle of a flood',
    { timeout: 120_000 },
    async () => {
      const alice = await createAccount('inbox');
      const bob = await createAccount('inbox');
      const a = await login(alice, gatewayA!.ws);
      const b = await login(bob, gatewayB!.ws);
      await a.xmpp.send(chat(bob.jid, 'first'));
      await b.next(isMessageWithBody('first'));
      await eventually(
        () => inboxOf(b),
        (list) => list[0]?.unread === 1,
      );

      // The set-up's copy (a child of the set-up process) goes away, by its pid.
      const pids = execFileSync('pgrep', ['-P', String(setupPid), '-f', 'apps/inbox/dist/main.js'])
        .toString()
        .trim()
        .split('\n')
        .map(Number);
      try {
        for (let i = 0; i < 200; i++) {
          await a.xmpp.send(chat(bob.jid, `m${i}`));
          if (i === 50) {
            // Killed while it applies: a batch may be written and not acknowledged, others
            // fetched and not applied.
            pids.forEach((pid) => process.kill(pid, 'SIGKILL'));
          }
        }
        for (let i = 0; i < 200; i++) {
          await b.next(isMessageWithBody(`m${i}`));
        }
      } finally {
        // A copy stays up for the test files after this one; the set-up's teardown ends it.
        startService('inbox', 'inbox-restarted', {
          LOG_LEVEL: 'warning',
          INBOX_DATABASE_URL: databaseUrl(inboxEntry),
          SOTTO_E2E_SETUP: String(setupPid),
        });
      }
      const caughtUp = await eventually(
        () => inboxOf(b).catch(() => []),
        (list) => list[0]?.body === 'm199',
      );
      expect(caughtUp).toEqual([{ jid: alice.jid, unread: 201, body: 'm199', read: 'false' }]);
      expect(await inboxOf(a)).toEqual([{ jid: bob.jid, unread: 0, body: 'm199', read: 'true' }]);
    },
  );
});
