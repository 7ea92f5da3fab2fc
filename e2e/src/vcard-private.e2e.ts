import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml, type XmlElement } from '@xmpp/client';
import pg from 'pg';
import * as XMPP from 'stanza';
import { admin, waitForJob, type JobView } from './support/admin-api';
import { createAccount, type TestAccount } from './support/accounts';
import { connectXmpp, type XmppSession } from './support/xmpp-session';
import { readZip } from './support/zip';

const [gatewayA, gatewayB] = inject('gateways');
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function login(account: TestAccount, service = gatewayA!.ws): Promise<XmppSession> {
  const session = await connectXmpp({ service, account });
  cleanups.push(() => session.stop());
  return session;
}

async function stanzaLogin(account: TestAccount, url = gatewayB!.ws): Promise<XMPP.Agent> {
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

const vcardIq = (type: 'get' | 'set', to?: string, ...children: XmlElement[]) =>
  xml('iq', { type, to }, xml('vCard', { xmlns: 'vcard-temp' }, ...children));
const privateIq = (type: 'get' | 'set', to: string | undefined, ...children: XmlElement[]) =>
  xml('iq', { type, to }, xml('query', { xmlns: 'jabber:iq:private' }, ...children));
const prefs = (nick: string) =>
  xml('exodus', { xmlns: 'exodus:prefs' }, xml('defaultnick', {}, nick));

/** The rows of one dataset file of an export archive. */
type Rows = Record<string, string>[];

async function exportOf(jid: string): Promise<Map<string, Buffer>> {
  const started = await admin<{ job: JobView }>('POST', '/exports', { jid });
  expect(started.status).toBe(202);
  const job = await waitForJob(started.body.job.id);
  expect(job.status, job.error).toBe('completed');
  const download = await admin<Buffer>('GET', `/exports/${job.id}/archive`);
  expect(download.status).toBe(200);
  return readZip(download.body);
}

function rowsOf(files: Map<string, Buffer>, name: string): Rows {
  const file = files.get(name);
  expect(file, `${name} in the archive`).toBeDefined();
  return JSON.parse(file!.toString('utf8')) as Rows;
}

/** Rows a service still holds for `jid`, read from its own database. */
async function storedRows(database: string, table: string, jid: string): Promise<number> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const result = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${table} WHERE owner_jid = $1`,
      [jid],
    );
    return result.rows[0]!.count;
  } finally {
    await client.end();
  }
}

describe('vcard-temp (XEP-0054)', () => {
  it('StanzaJS: sets its own vCard, reads it back, and another user reads it', async () => {
    const alice = await createAccount('vcard');
    const bob = await createAccount('vcard');
    const a = await stanzaLogin(alice, gatewayA!.ws);
    const b = await stanzaLogin(bob, gatewayB!.ws);

    // None yet: an empty vCard for oneself.
    expect((await a.getVCard(alice.jid)).fullName).toBeUndefined();
    await a.publishVCard({
      fullName: 'Alice Liddell',
      records: [{ type: 'nickname', value: 'al' }],
    });
    const own = await a.getVCard(alice.jid);
    expect(own.fullName).toBe('Alice Liddell');
    expect(own.records).toContainEqual({ type: 'nickname', value: 'al' });
    expect((await b.getVCard(alice.jid)).fullName).toBe('Alice Liddell');
  });

  it('StanzaJS: may not set another user’s vCard', async () => {
    const alice = await createAccount('vcard');
    const bob = await createAccount('vcard');
    const a = await stanzaLogin(alice);
    await expect(
      a.sendIQ({ to: bob.jid, type: 'set', vcard: { fullName: 'Not Bob' } }),
    ).rejects.toMatchObject({ error: { condition: 'forbidden' } });
  });

  it('@xmpp/client: set, get by self and by another, refusals, and deletion by an empty set', async () => {
    const alice = await createAccount('vcard');
    const bob = await createAccount('vcard');
    const a = await login(alice);
    const b = await login(bob, gatewayB!.ws);

    const empty = await a.xmpp.iqCaller.request(vcardIq('get'));
    expect(empty.getChild('vCard', 'vcard-temp')?.children).toEqual([]);

    await a.xmpp.iqCaller.request(vcardIq('set', undefined, xml('FN', {}, 'Alice')));
    // Addressed to the own bare JID is the same as no `to`.
    await a.xmpp.iqCaller.request(vcardIq('set', alice.jid, xml('FN', {}, 'Alice A.')));
    const own = await a.xmpp.iqCaller.request(vcardIq('get'));
    expect(own.getChild('vCard', 'vcard-temp')?.getChildText('FN')).toBe('Alice A.');
    const seen = await b.xmpp.iqCaller.request(vcardIq('get', alice.jid));
    expect(seen.attrs.from).toBe(alice.jid);
    expect(seen.getChild('vCard', 'vcard-temp')?.getChildText('FN')).toBe('Alice A.');

    await expect(
      b.xmpp.iqCaller.request(vcardIq('set', alice.jid, xml('FN', {}, 'Mallory'))),
    ).rejects.toThrow(/forbidden/);
    await expect(
      a.xmpp.iqCaller.request(vcardIq('set', undefined, xml('DESC', {}, 'x'.repeat(70_000)))),
    ).rejects.toThrow(/not-acceptable/);
    // Neither refusal changed anything.
    const after = await b.xmpp.iqCaller.request(vcardIq('get', alice.jid));
    expect(after.getChild('vCard', 'vcard-temp')?.getChildText('FN')).toBe('Alice A.');

    // No vCard and no account answer alike.
    await expect(b.xmpp.iqCaller.request(vcardIq('get', 'nobody-here@localhost'))).rejects.toThrow(
      /service-unavailable/,
    );
    await a.xmpp.iqCaller.request(vcardIq('set'));
    await expect(b.xmpp.iqCaller.request(vcardIq('get', alice.jid))).rejects.toThrow(
      /service-unavailable/,
    );
  });

  it('advertises vcard-temp on the server', async () => {
    const alice = await createAccount('vcard');
    const a = await login(alice);
    const info = await a.xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const features = info
      .getChild('query', 'http://jabber.org/protocol/disco#info')
      ?.getChildren('feature')
      .map((feature) => feature.attrs.var);
    expect(features).toContain('vcard-temp');
  });
});

describe('private XML storage (XEP-0049)', () => {
  it('StanzaJS: stores and retrieves bookmarks', async () => {
    const alice = await createAccount('private');
    const a = await stanzaLogin(alice);
    const rooms = [{ jid: 'room@conference.localhost', name: 'Room', autoJoin: true, nick: 'al' }];
    await a.setPrivateData('bookmarks', { rooms });
    const stored = await a.getPrivateData('bookmarks');
    expect(stored?.rooms).toEqual(rooms);
    // Another user may not read them.
    const bob = await createAccount('private');
    const b = await stanzaLogin(bob, gatewayA!.ws);
    await expect(
      b.sendIQ({ to: alice.jid, type: 'get', privateStorage: { bookmarks: {} } }),
    ).rejects.toMatchObject({ error: { condition: 'forbidden' } });
  });

  it('@xmpp/client: stores per namespace, returns it, and refuses what the XEP refuses', async () => {
    const alice = await createAccount('private');
    const bob = await createAccount('private');
    const a = await login(alice);
    const b = await login(bob, gatewayB!.ws);

    // Nothing stored: the requested element, empty.
    const nothing = await a.xmpp.iqCaller.request(
      privateIq('get', undefined, xml('exodus', { xmlns: 'exodus:prefs' })),
    );
    const emptyQuery = nothing.getChild('query', 'jabber:iq:private');
    expect(emptyQuery?.getChild('exodus', 'exodus:prefs')?.children).toEqual([]);

    await a.xmpp.iqCaller.request(privateIq('set', undefined, prefs('Hamlet')));
    await a.xmpp.iqCaller.request(privateIq('set', alice.jid, prefs('Hamlet II')));
    const got = await a.xmpp.iqCaller.request(
      privateIq('get', alice.jid, xml('exodus', { xmlns: 'exodus:prefs' })),
    );
    const exodus = got.getChild('query', 'jabber:iq:private')?.getChild('exodus', 'exodus:prefs');
    expect(exodus?.getChildText('defaultnick')).toBe('Hamlet II');

    // Another's storage: neither read nor write.
    await expect(
      b.xmpp.iqCaller.request(
        privateIq('get', alice.jid, xml('exodus', { xmlns: 'exodus:prefs' })),
      ),
    ).rejects.toThrow(/forbidden/);
    await expect(
      b.xmpp.iqCaller.request(privateIq('set', alice.jid, prefs('Macbeth'))),
    ).rejects.toThrow(/forbidden/);

    // Reserved namespaces: not-acceptable (a child without xmlns is in jabber:iq:private).
    for (const child of [
      xml('x', { xmlns: 'jabber:client' }),
      xml('x', { xmlns: 'jabber:server' }),
      xml('x', { xmlns: 'jabber:iq:private' }),
      xml('x', {}),
    ]) {
      await expect(a.xmpp.iqCaller.request(privateIq('set', undefined, child))).rejects.toThrow(
        /not-acceptable/,
      );
    }
    // No child: bad-request.
    await expect(a.xmpp.iqCaller.request(privateIq('get', undefined))).rejects.toThrow(
      /bad-request/,
    );
    // Over the size limit: not-acceptable.
    await expect(
      a.xmpp.iqCaller.request(
        privateIq('set', undefined, xml('big', { xmlns: 'urn:example:big' }, 'x'.repeat(70_000))),
      ),
    ).rejects.toThrow(/not-acceptable/);

    // Bob's own storage under the same namespace is his alone.
    await b.xmpp.iqCaller.request(privateIq('set', undefined, prefs('Bob')));
    const mine = await a.xmpp.iqCaller.request(
      privateIq('get', undefined, xml('exodus', { xmlns: 'exodus:prefs' })),
    );
    expect(
      mine
        .getChild('query', 'jabber:iq:private')
        ?.getChild('exodus', 'exodus:prefs')
        ?.getChildText('defaultnick'),
    ).toBe('Hamlet II');
  });
});

describe('malformed payloads', () => {
  it('get stanza errors and both services keep answering', async () => {
    const alice = await createAccount('malformed');
    const a = await login(alice);
    const bad: [XmlElement, RegExp][] = [
      [xml('iq', { type: 'get' }, xml('VCARD', { xmlns: 'vcard-temp' })), /bad-request/],
      [xml('iq', { type: 'set' }, xml('photo', { xmlns: 'vcard-temp' }, 'x')), /bad-request/],
      [xml('iq', { type: 'set' }, xml('storage', { xmlns: 'jabber:iq:private' })), /bad-request/],
      [privateIq('set', undefined), /bad-request/],
      [
        privateIq('set', undefined, xml('a', { xmlns: 'urn:a' }), xml('b', { xmlns: 'urn:b' })),
        /bad-request/,
      ],
      [
        privateIq('get', undefined, xml('a', { xmlns: 'urn:a' }), xml('a', { xmlns: 'urn:a' })),
        /bad-request/,
      ],
      [
        xml('iq', { type: 'set' }, xml('query', { xmlns: 'jabber:iq:private' }, 'only text')),
        /bad-request/,
      ],
    ];
    for (const [iq, condition] of bad) {
      await expect(a.xmpp.iqCaller.request(iq)).rejects.toThrow(condition);
    }
    await a.xmpp.iqCaller.request(vcardIq('set', undefined, xml('FN', {}, 'Still here')));
    const vcard = await a.xmpp.iqCaller.request(vcardIq('get'));
    expect(vcard.getChild('vCard', 'vcard-temp')?.getChildText('FN')).toBe('Still here');
    await a.xmpp.iqCaller.request(privateIq('set', undefined, prefs('still')));
  });
});

describe('GDPR through the orchestrator', () => {
  it('exports the subject’s vCard and private rows only; erasure removes them and no one else’s', async () => {
    const alice = await createAccount('gdpr');
    const bob = await createAccount('gdpr');
    const a = await stanzaLogin(alice);
    const b = await login(bob);
    await a.publishVCard({ fullName: 'Alice GDPR' });
    await a.setPrivateData('bookmarks', {
      rooms: [{ jid: 'alice-room@conference.localhost', name: 'Alice room' }],
    });
    await b.xmpp.iqCaller.request(vcardIq('set', undefined, xml('FN', {}, 'Bob GDPR')));
    await b.xmpp.iqCaller.request(privateIq('set', undefined, prefs('bob-secret')));

    const exported = await exportOf(alice.jid);
    const vcards = rowsOf(exported, 'vcard/vcard.json');
    expect(vcards).toHaveLength(1);
    expect(vcards[0]!.jid).toBe(alice.jid);
    expect(vcards[0]!.vcard).toContain('Alice GDPR');
    const privateRows = rowsOf(exported, 'private/private.json');
    expect(privateRows.map((row) => row.ns)).toEqual(['storage:bookmarks']);
    expect(privateRows[0]!.xml).toContain('alice-room@conference.localhost');
    expect(exported.get('vcard/vcard.csv')?.toString('utf8').split(/\r?\n/)[0]).toBe('jid,vcard');
    expect(exported.get('private/private.csv')?.toString('utf8').split(/\r?\n/)[0]).toBe('ns,xml');
    const everything = [...exported.values()].map((file) => file.toString('utf8')).join('\n');
    expect(everything).not.toContain('Bob GDPR');
    expect(everything).not.toContain('bob-secret');

    const erasure = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    expect(erasure.status).toBe(202);
    const erased = await waitForJob(erasure.body.job.id);
    expect(erased.status, erased.error).toBe('completed');
    expect(erased.services.vcard?.datasets?.find((d) => d.name === 'vcard')?.deleted).toBe(1);
    expect(erased.services.private?.datasets?.find((d) => d.name === 'private')?.deleted).toBe(1);

    expect(await storedRows('sotto_vcard', 'vcards', alice.jid)).toBe(0);
    expect(await storedRows('sotto_private', 'private_storage', alice.jid)).toBe(0);
    // The erased JID can no longer be exported.
    expect((await admin('POST', '/exports', { jid: alice.jid })).status).toBe(404);

    const bobs = await exportOf(bob.jid);
    expect(rowsOf(bobs, 'vcard/vcard.json')).toEqual([
      { jid: bob.jid, vcard: expect.stringContaining('Bob GDPR') as string },
    ]);
    const bobPrivate = rowsOf(bobs, 'private/private.json');
    expect(bobPrivate.map((row) => row.ns)).toEqual(['exodus:prefs']);
    expect(bobPrivate[0]!.xml).toContain('bob-secret');
  }, 60_000);
});
