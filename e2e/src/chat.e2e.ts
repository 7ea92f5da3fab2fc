import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml } from '@xmpp/client';
import { createAccount } from './support/accounts';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';

const [gatewayA, gatewayB] = inject('gateways');
const wsA = gatewayA!.ws;
const tcpB = `xmpp://127.0.0.1:${gatewayB!.tcpPort}`;
const wsB = gatewayB!.ws;

const open: XmppSession[] = [];
async function login(...args: Parameters<typeof connectXmpp>): Promise<XmppSession> {
  const session = await connectXmpp(...args);
  open.push(session);
  return session;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((session) => session.stop()));
});

const chat = (to: string, body: string) =>
  xml('message', { to, type: 'chat', id: body }, xml('body', {}, body));

describe('log-in and 1:1 chat across two gateways', () => {
  it('two users on different gateways and transports exchange messages both ways', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    // Alice on gateway A over WebSocket, Bob on gateway B over TCP with STARTTLS.
    const a = await login({ service: wsA, account: alice, resource: 'phone' });
    const b = await login({ service: tcpB, account: bob, resource: 'laptop' });
    expect(a.jid).toBe(`${alice.jid}/phone`);
    expect(b.jid).toBe(`${bob.jid}/laptop`);
    expect(a.mechanism).toMatch(/^SCRAM-SHA-/);
    expect(b.mechanism).toMatch(/^SCRAM-SHA-/);
    await a.xmpp.send(xml('presence'));
    await b.xmpp.send(xml('presence'));

    await a.xmpp.send(chat(bob.jid, 'hello bob'));
    const atBob = await b.next(isMessageWithBody('hello bob'));
    expect(atBob.attrs.from).toBe(`${alice.jid}/phone`);
    expect(atBob.attrs.to).toBe(bob.jid);

    await b.xmpp.send(chat(atBob.attrs.from!, 'hello alice'));
    const atAlice = await a.next(isMessageWithBody('hello alice'));
    expect(atAlice.attrs.from).toBe(`${bob.jid}/laptop`);
  });

  it('keeps the order of messages between two sessions', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login({ service: wsA, account: alice });
    const b = await login({ service: wsB, account: bob });
    await b.xmpp.send(xml('presence'));
    for (let i = 0; i < 20; i++) {
      await a.xmpp.send(chat(b.jid, `m${i}`));
    }
    for (let i = 0; i < 20; i++) {
      const got = await b.next((s) => s.is('message'));
      expect(got.getChildText('body')).toBe(`m${i}`);
    }
  });

  it('rejects a wrong password over WebSocket and over TCP', async () => {
    const alice = await createAccount('alice');
    for (const service of [wsA, tcpB]) {
      await expect(
        connectXmpp({ service, account: { username: alice.username, password: 'wrong' } }),
      ).rejects.toThrow(/not-authorized/);
    }
  });

  it('treats an unknown user like a wrong password', async () => {
    await expect(
      connectXmpp({ service: wsA, account: { username: 'nobody-here', password: 'whatever' } }),
    ).rejects.toThrow(/not-authorized/);
  });

  it('logs in with SCRAM-SHA-1 over WebSocket and with PLAIN only once TLS is on', async () => {
    const alice = await createAccount('alice');
    const scram = await login({ service: wsA, account: alice, mechanism: 'SCRAM-SHA-1' });
    expect(scram.mechanism).toBe('SCRAM-SHA-1');
    const plain = await login({ service: tcpB, account: alice, mechanism: 'PLAIN' });
    expect(plain.mechanism).toBe('PLAIN');
    await expect(connectXmpp({ service: wsA, account: alice, mechanism: 'PLAIN' })).rejects.toThrow(
      /invalid-mechanism/,
    );
  });

  it('routes a bare-JID message to the highest-priority resources only', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login({ service: wsA, account: alice });
    const high = await login({ service: wsA, account: bob, resource: 'high' });
    const low = await login({ service: tcpB, account: bob, resource: 'low' });
    await high.xmpp.send(xml('presence', {}, xml('priority', {}, '10')));
    await low.xmpp.send(xml('presence', {}, xml('priority', {}, '1')));
    // Both of Bob's resources see each other's presence before the test goes on.
    await high.next((s) => s.is('presence') && s.attrs.from === `${bob.jid}/low`);

    await a.xmpp.send(chat(bob.jid, 'to the best resource'));
    await high.next(isMessageWithBody('to the best resource'));
    await expect(low.next(isMessageWithBody('to the best resource'), 1000)).rejects.toThrow();

    // Equal priorities: both get it. Alice's gateway learns the new priority from the session
    // table a moment after Bob's other resource saw the presence (which went to it directly),
    // so the first messages may still go to the high resource only; once the table has it,
    // every message reaches both.
    await low.xmpp.send(xml('presence', {}, xml('priority', {}, '10')));
    await high.next((s) => s.is('presence') && s.attrs.from === `${bob.jid}/low`);
    let n = 0;
    for (; ; n++) {
      await a.xmpp.send(chat(bob.jid, `to both ${n}`));
      await high.next(isMessageWithBody(`to both ${n}`));
      const reached = await low.next(isMessageWithBody(`to both ${n}`), 500).then(
        () => true,
        () => false,
      );
      if (reached) {
        break;
      }
      expect(n).toBeLessThan(20);
    }
    await a.xmpp.send(chat(bob.jid, 'to both, settled'));
    await high.next(isMessageWithBody('to both, settled'));
    await low.next(isMessageWithBody('to both, settled'));
  });

  it('broadcasts presence to the other resources and unavailable on disconnect', async () => {
    const alice = await createAccount('alice');
    const first = await login({ service: wsA, account: alice, resource: 'one' });
    await first.xmpp.send(xml('presence'));
    await first.next((s) => s.is('presence') && s.attrs.from === `${alice.jid}/one`);
    const second = await login({ service: tcpB, account: alice, resource: 'two' });
    await second.xmpp.send(xml('presence', {}, xml('show', {}, 'away')));
    const seen = await first.next((s) => s.is('presence') && s.attrs.from === `${alice.jid}/two`);
    expect(seen.getChildText('show')).toBe('away');
    // The newcomer learns the presence of its sibling.
    await second.next((s) => s.is('presence') && s.attrs.from === `${alice.jid}/one`);

    await second.stop();
    const gone = await first.next((s) => s.is('presence') && s.attrs.from === `${alice.jid}/two`);
    expect(gone.attrs.type).toBe('unavailable');
  });

  it('answers messages to unknown, malformed and remote addresses with errors', async () => {
    const alice = await createAccount('alice');
    const a = await login({ service: wsA, account: alice });
    const cases: [string, string][] = [
      ['nobody-at-all@localhost', 'service-unavailable'],
      ['bad@@localhost', 'jid-malformed'],
      ['someone@elsewhere.example', 'remote-server-not-found'],
    ];
    for (const [to, condition] of cases) {
      await a.xmpp.send(chat(to, `to ${to}`));
      const error = await a.next(
        (s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === `to ${to}`,
      );
      expect(
        error.getChild('error')?.getChild(condition, 'urn:ietf:params:xml:ns:xmpp-stanzas'),
      ).toBeDefined();
    }
  });

  it('serves ping and disco#info, and answers unknown namespaces with service-unavailable', async () => {
    const alice = await createAccount('alice');
    const a = await login({ service: tcpB, account: alice });
    const pong = await a.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    expect(pong.attrs.type).toBe('result');
    const info = await a.xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const query = info.getChild('query', 'http://jabber.org/protocol/disco#info');
    const features = query?.getChildren('feature').map((f) => f.attrs.var);
    expect(features).toContain('urn:xmpp:ping');
    expect(query?.getChild('identity')?.attrs.category).toBe('server');
    await expect(
      a.xmpp.iqCaller.request(
        xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: 'urn:example:nothing' })),
      ),
    ).rejects.toThrow(/service-unavailable/);
  });

  it('routes an IQ to another user’s full JID and its result back', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const a = await login({ service: wsA, account: alice });
    const b = await login({ service: tcpB, account: bob, resource: 'desk' });
    // @xmpp/client answers pings itself.
    const result = await a.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: b.jid }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    expect(result.attrs.from).toBe(b.jid);
    await expect(
      a.xmpp.iqCaller.request(
        xml('iq', { type: 'get', to: `${bob.jid}/gone` }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
      ),
    ).rejects.toThrow(/service-unavailable/);
  });

  it('replaces a session that binds the same resource', async () => {
    const alice = await createAccount('alice');
    const first = await login({ service: wsA, account: alice, resource: 'same' });
    await login({ service: tcpB, account: alice, resource: 'same' });
    await first.closed();
  });
});
