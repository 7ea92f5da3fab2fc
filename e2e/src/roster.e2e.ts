import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml, type XmlElement } from '@xmpp/client';
import * as XMPP from 'stanza';
import { admin, waitForJob, type JobView } from './support/admin-api';
import { createAccount, type TestAccount } from './support/accounts';
import { connectXmpp, type XmppSession } from './support/xmpp-session';
import { stanzaSession, type StanzaSession } from './support/stanza-events';
import { readZip } from './support/zip';

const [gatewayA, gatewayB] = inject('gateways');
const NS_ROSTER = 'jabber:iq:roster';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

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
  return session;
}

const EVENTS = [
  'roster:update',
  'subscribe',
  'subscribed',
  'unsubscribe',
  'unsubscribed',
  'available',
  'unavailable',
] as const;

function stanzaLogin(
  account: TestAccount,
  url: string,
  resource = 'stanza',
): Promise<StanzaSession> {
  // No initial presence here: each test sends its own when the scenario asks for it.
  return stanzaSession(account, { url, resource, events: EVENTS, available: false }, cleanups);
}

const from = (jid: string) => (data: { from?: string }) => data.from === jid;
const pushOf = (iq: XmlElement) => iq.getChild('query', NS_ROSTER)?.getChild('item');
const isPush = (jid: string) => (s: XmlElement) =>
  s.is('iq') && s.attrs.type === 'set' && pushOf(s)?.attrs.jid === jid;
const isPresence = (type: string | undefined, fromJid: string) => (s: XmlElement) =>
  s.is('presence') && s.attrs.type === type && s.attrs.from === fromJid;

function rosterGet(session: XmppSession, ver?: string, to?: string): Promise<XmlElement> {
  return session.xmpp.iqCaller.request(
    xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_ROSTER, ver })),
  );
}

function rosterSet(session: XmppSession, ...items: XmlElement[]): Promise<XmlElement> {
  return session.xmpp.iqCaller.request(
    xml('iq', { type: 'set' }, xml('query', { xmlns: NS_ROSTER }, ...items)),
  );
}

async function stanzaError(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return (error as { condition?: string }).condition ?? String(error);
  }
  return 'no error';
}

/** Alice and Bob subscribed to each other, over raw presences (both sessions available). */
async function mutualSubscription(
  a: XmppSession,
  b: XmppSession,
  alice: string,
  bob: string,
): Promise<void> {
  // Roster pushes go to resources that asked for the roster (RFC 6121 §2.1.6).
  await rosterGet(a);
  await rosterGet(b);
  await a.xmpp.send(xml('presence', { type: 'subscribe', to: bob }));
  await b.next(isPresence('subscribe', alice));
  await b.xmpp.send(xml('presence', { type: 'subscribed', to: alice }));
  await b.xmpp.send(xml('presence', { type: 'subscribe', to: alice }));
  await a.next(isPresence('subscribe', bob));
  await a.xmpp.send(xml('presence', { type: 'subscribed', to: bob }));
  await a.next((s) => isPush(bob)(s) && pushOf(s)?.attrs.subscription === 'both');
  await b.next((s) => isPush(alice)(s) && pushOf(s)?.attrs.subscription === 'both');
}

describe('roster (RFC 6121 §2)', () => {
  it('adds, updates and removes items, pushing each change to a second resource', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const first = await stanzaLogin(alice, gatewayA!.ws);
    const second = await login(alice, gatewayB!.ws, 'second');
    expect((await first.client.getRoster()).items).toEqual([]);
    await rosterGet(second);

    // StanzaJS sends subscription='none' with every item: ignored, as RFC 6121 §2.1.5 says.
    await first.client.updateRosterItem({
      jid: bob.jid,
      name: 'Bob',
      groups: ['Friends'],
      subscription: 'none',
    });
    const added = pushOf(await second.next(isPush(bob.jid)));
    expect(added?.attrs).toMatchObject({ jid: bob.jid, name: 'Bob', subscription: 'none' });
    expect(added?.getChildText('group')).toBe('Friends');
    const own = await first.next<XMPP.Stanzas.ReceivedIQ>('roster:update');
    expect(own.roster?.items?.[0]).toMatchObject({
      jid: bob.jid,
      name: 'Bob',
      groups: ['Friends'],
    });

    await first.client.updateRosterItem({
      jid: bob.jid,
      name: 'Robert',
      groups: ['Work', 'Family'],
      subscription: 'none',
    });
    const updated = pushOf(await second.next(isPush(bob.jid)));
    expect(updated?.attrs.name).toBe('Robert');
    expect(updated?.getChildren('group').map((g) => g.getText())).toEqual(['Work', 'Family']);
    const roster = await first.client.getRoster();
    expect(roster.items).toEqual([
      expect.objectContaining({
        jid: bob.jid,
        name: 'Robert',
        subscription: 'none',
        groups: ['Work', 'Family'],
      }),
    ]);

    await first.client.removeRosterItem(bob.jid);
    expect(pushOf(await second.next(isPush(bob.jid)))?.attrs.subscription).toBe('remove');
    expect((await first.client.getRoster()).items).toEqual([]);
    expect(
      await stanzaError(rosterSet(second, xml('item', { jid: bob.jid, subscription: 'remove' }))),
    ).toBe('item-not-found');
  });

  it('pushes only to the resources that asked for the roster (§2.1.6)', async () => {
    const alice = await createAccount('alice');
    const asking = await login(alice, gatewayA!.ws, 'asking');
    // One quiet resource on each gateway: whichever takes the push, one is remote.
    const quiet = [
      await login(alice, gatewayB!.ws, 'quiet-b'),
      await login(alice, gatewayA!.ws, 'quiet-a'),
    ];
    await rosterGet(asking);
    await rosterSet(asking, xml('item', { jid: 'before@localhost' }));
    await asking.next(isPush('before@localhost'));

    for (const [index, session] of quiet.entries()) {
      // Once it asks, it gets the next push; the one before was never its to receive.
      await rosterGet(session);
      const contact = `after-${index}@localhost`;
      await rosterSet(asking, xml('item', { jid: contact }));
      const first = await session.next(
        (s) => s.is('iq') && s.attrs.type === 'set' && pushOf(s) !== undefined,
      );
      expect(pushOf(first)?.attrs.jid).toBe(contact);
      await asking.next(isPush(contact));
    }
  });

  it('answers an unchanged version with an empty result and a changed one with the roster', async () => {
    const alice = await createAccount('alice');
    const a = await login(alice, gatewayA!.ws);
    const empty = await rosterGet(a, '');
    const ver = empty.getChild('query', NS_ROSTER)?.attrs.ver;
    expect(ver).toBeDefined();
    const unchanged = await rosterGet(a, ver);
    expect(unchanged.attrs.type).toBe('result');
    expect(unchanged.children).toEqual([]);

    await rosterSet(a, xml('item', { jid: 'someone@localhost', name: 'Someone' }));
    const changed = (await rosterGet(a, ver)).getChild('query', NS_ROSTER);
    expect(changed?.attrs.ver).not.toBe(ver);
    expect(changed?.getChildren('item').map((item) => item.attrs.jid)).toEqual([
      'someone@localhost',
    ]);
    expect((await rosterGet(a, changed?.attrs.ver)).children).toEqual([]);
  });

  it('lets nobody read or change another user’s roster', async () => {
    const alice = await createAccount('alice');
    const mallory = await createAccount('mallory');
    const a = await login(alice, gatewayA!.ws);
    await rosterSet(a, xml('item', { jid: 'friend@localhost', name: 'Friend' }));
    const m = await login(mallory, gatewayB!.ws);
    expect(await stanzaError(rosterGet(m, undefined, alice.jid))).toBe('forbidden');
    expect(
      await stanzaError(
        m.xmpp.iqCaller.request(
          xml(
            'iq',
            { type: 'set', to: alice.jid },
            xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'x@localhost' })),
          ),
        ),
      ),
    ).toBe('forbidden');
    const items = (await rosterGet(a)).getChild('query', NS_ROSTER)?.getChildren('item');
    expect(items?.map((item) => item.attrs.jid)).toEqual(['friend@localhost']);
  });

  it('answers malformed roster sets with stanza errors and keeps serving', async () => {
    const alice = await createAccount('alice');
    const a = await login(alice, gatewayB!.ws);
    const item = (attrs: Record<string, string>, ...groups: string[]) =>
      xml('item', attrs, ...groups.map((group) => xml('group', {}, group)));
    const cases: [XmlElement[], string][] = [
      [[], 'bad-request'],
      [[item({ jid: 'a@localhost' }), item({ jid: 'b@localhost' })], 'bad-request'],
      [[item({ name: 'no jid' })], 'bad-request'],
      [[item({ jid: 'bad@@localhost' })], 'jid-malformed'],
      [[item({ jid: 'a@localhost' }, 'Same', 'Same')], 'bad-request'],
      [[item({ jid: 'a@localhost' }, '')], 'not-acceptable'],
      [[item({ jid: 'a@localhost', name: 'x'.repeat(5000) })], 'not-acceptable'],
      [[item({ jid: alice.jid })], 'not-allowed'],
    ];
    for (const [items, condition] of cases) {
      expect(await stanzaError(rosterSet(a, ...items))).toBe(condition);
    }
    expect(
      await stanzaError(
        a.xmpp.iqCaller.request(
          xml(
            'iq',
            { type: 'get' },
            xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'a@localhost' })),
          ),
        ),
      ),
    ).toBe('bad-request');
    const roster = await rosterGet(a);
    expect(roster.getChild('query', NS_ROSTER)?.getChildren('item')).toEqual([]);
  });
});

describe('presence subscriptions (RFC 6121 §3)', () => {
  it('runs a full handshake across gateways; presence flows both ways until unsubscribe', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await stanzaLogin(alice, gatewayA!.ws, 'desk');
    const b = await login(bob, gatewayB!.ws, 'phone');
    // Both ask for the roster, as chat clients do, to get its pushes.
    await a.client.getRoster();
    await rosterGet(b);
    a.client.sendPresence({ status: 'at my desk' });
    await b.xmpp.send(xml('presence', {}, xml('status', {}, 'on the go')));

    // Alice asks; Bob sees the request and Alice's pending item is pushed.
    a.client.subscribe(bob.jid);
    const pending = await a.next<XMPP.Stanzas.ReceivedIQ>(
      'roster:update',
      (iq) => iq.roster?.items?.[0]?.jid === bob.jid,
    );
    expect(pending.roster?.items?.[0]).toMatchObject({
      subscription: 'none',
      pending: 'subscribe',
    });
    await b.next(isPresence('subscribe', alice.jid));

    // Bob approves: Alice's item becomes "to" and she learns Bob's presence at once.
    await b.xmpp.send(xml('presence', { type: 'subscribed', to: alice.jid }));
    expect(pushOf(await b.next(isPush(alice.jid)))?.attrs.subscription).toBe('from');
    await a.next('subscribed', from(bob.jid));
    const seen = await a.next<XMPP.Stanzas.ReceivedPresence>('available', from(`${bob.jid}/phone`));
    expect(seen.status).toBe('on the go');

    // And the other way round.
    await b.xmpp.send(xml('presence', { type: 'subscribe', to: alice.jid }));
    await a.next('subscribe', from(bob.jid));
    a.client.acceptSubscription(bob.jid);
    const both = await b.next(
      (s) => isPush(alice.jid)(s) && pushOf(s)?.attrs.subscription === 'both',
    );
    expect(pushOf(both)?.attrs.ask).toBeUndefined();
    const aliceSeen = await b.next(isPresence(undefined, `${alice.jid}/desk`));
    expect(aliceSeen.getChildText('status')).toBe('at my desk');

    // Presence changes now flow both ways.
    a.client.sendPresence({ show: 'away' });
    expect((await b.next(isPresence(undefined, `${alice.jid}/desk`))).getChildText('show')).toBe(
      'away',
    );
    await b.xmpp.send(xml('presence', {}, xml('show', {}, 'dnd')));
    expect(
      (await a.next<XMPP.Stanzas.ReceivedPresence>('available', from(`${bob.jid}/phone`))).show,
    ).toBe('dnd');

    // Alice unsubscribes: she sees Bob go unavailable and no longer gets his presence.
    a.client.unsubscribe(bob.jid);
    await a.next('unavailable', from(`${bob.jid}/phone`));
    await b.next(isPresence('unsubscribe', alice.jid));
    await b.next((s) => isPush(alice.jid)(s) && pushOf(s)?.attrs.subscription === 'to');
    await b.xmpp.send(xml('presence', {}, xml('show', {}, 'xa')));
    await expect(a.next('available', from(`${bob.jid}/phone`), 1000)).rejects.toThrow();
    // Bob still sees Alice, down to her going offline.
    a.client.sendPresence({ show: 'chat' });
    await b.next(isPresence(undefined, `${alice.jid}/desk`));
    a.client.disconnect();
    await b.next(isPresence('unavailable', `${alice.jid}/desk`));
  });

  it('keeps a request for a contact who is offline and delivers it once, at login', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login(alice, gatewayA!.ws);
    await rosterGet(a);
    await a.xmpp.send(
      xml('presence', { type: 'subscribe', to: bob.jid }, xml('status', {}, 'it’s me')),
    );
    await a.xmpp.send(xml('presence', { type: 'subscribe', to: bob.jid }));
    await a.next(isPush(bob.jid));

    const b = await login(bob, gatewayB!.ws);
    await b.xmpp.send(xml('presence'));
    const request = await b.next(isPresence('subscribe', alice.jid));
    expect(request.getChildText('status')).toBe('it’s me');
    // Asked twice, kept once.
    await expect(b.next(isPresence('subscribe', alice.jid), 1000)).rejects.toThrow();
  });

  it('refuses a subscription request without an address', async () => {
    const alice = await createAccount('alice');
    const a = await login(alice, gatewayA!.ws);
    await a.xmpp.send(xml('presence', { type: 'subscribe', id: 'no-to' }));
    const error = await a.next(
      (s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.id === 'no-to',
    );
    expect(error.getChild('error')?.getChild('bad-request', NS_STANZAS)).toBeDefined();
  });
});

describe('roster and GDPR', () => {
  it('exports the subject’s roster only; erasure tells the contacts, whose entries stay', async () => {
    const alice = await createAccount('exported');
    const bob = await createAccount('bob');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);
    await a.xmpp.send(xml('presence'));
    await b.xmpp.send(xml('presence'));
    await mutualSubscription(a, b, alice.jid, bob.jid);
    await rosterSet(
      a,
      xml('item', { jid: 'carol@localhost', name: 'Carol' }, xml('group', {}, 'Work')),
    );
    await rosterSet(b, xml('item', { jid: alice.jid, name: 'Al' }, xml('group', {}, 'Friends')));

    const exportJob = await admin<{ job: JobView }>('POST', '/exports', { jid: alice.jid });
    expect(exportJob.status).toBe(202);
    const exported = await waitForJob(exportJob.body.job.id);
    expect(exported).toMatchObject({ status: 'completed' });
    expect(exported.services.roster?.records).toBe(2);
    const files = await readZip(
      (await admin<Buffer>('GET', `/exports/${exported.id}/archive`)).body,
    );
    const rows = JSON.parse(files.get('roster/roster.json')!.toString('utf8')) as Record<
      string,
      unknown
    >[];
    expect(rows).toEqual([
      {
        jid: bob.jid,
        name: '',
        subscription: 'both',
        ask: 'none',
        groups: [],
        askmessage: '',
        xs: '',
      },
      {
        jid: 'carol@localhost',
        name: 'Carol',
        subscription: 'none',
        ask: 'none',
        groups: ['Work'],
        askmessage: '',
        xs: '',
      },
    ]);
    // Bob's entry for Alice (his name for her, his groups) is Bob's, not in her export.
    expect(files.get('roster/roster.json')!.toString('utf8')).not.toContain('Friends');
    expect(files.get('roster/roster.csv')!.toString('utf8').split(/\r?\n/)[0]).toBe(
      'jid,name,subscription,ask,groups,askmessage,xs',
    );

    const erasure = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    expect(erasure.status).toBe(202);
    const erased = await waitForJob(erasure.body.job.id);
    expect(erased).toMatchObject({ status: 'completed' });
    expect(erased.services.roster?.datasets).toEqual([
      { name: 'roster', deleted: 2, kept: 1, keptReason: 'the contacts’ own roster entries' },
    ]);
    await b.next(isPresence('unsubscribe', alice.jid));
    await b.next(isPresence('unsubscribed', alice.jid));
    await b.next((s) => isPush(alice.jid)(s) && pushOf(s)?.attrs.subscription === 'none');
    const bobs = (await rosterGet(b)).getChild('query', NS_ROSTER)?.getChildren('item');
    expect(bobs?.map((item) => item.attrs)).toEqual([
      { jid: alice.jid, name: 'Al', subscription: 'none' },
    ]);
  });
});
