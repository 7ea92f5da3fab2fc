import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml, type XmlElement } from '@xmpp/client';
import { createAccount, type TestAccount } from './support/accounts';
import { connectXmpp, type XmppSession } from './support/xmpp-session';

const [gatewayA, gatewayB] = inject('gateways');

const open: XmppSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((session) => session.stop()));
});

async function login(account: TestAccount, service: string, resource: string) {
  const session = await connectXmpp({ service, account, resource });
  open.push(session);
  await session.xmpp.send(xml('presence'));
  return session;
}

const presenceFrom = (type: string | undefined, from: string) => (s: XmlElement) =>
  s.is('presence') && s.attrs.type === type && s.attrs.from === from;

describe('directed presence (RFC 6121 §4.6)', () => {
  it('tells a recipient without a subscription that the sender disconnected', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const b = await login(bob, gatewayB!.ws, 'phone');
    const a = await login(alice, gatewayA!.ws, 'desk');

    await a.xmpp.send(xml('presence', { to: bob.jid }, xml('status', {}, 'hi bob')));
    const seen = await b.next(presenceFrom(undefined, `${alice.jid}/desk`));
    expect(seen.getChildText('status')).toBe('hi bob');

    await a.stop();
    const gone = await b.next(presenceFrom('unavailable', `${alice.jid}/desk`));
    expect(gone.attrs.to).toBe(bob.jid);
  });

  it('sends the unavailable broadcast to a recipient of directed presence', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const b = await login(bob, gatewayA!.ws, 'phone');
    const a = await login(alice, gatewayB!.ws, 'desk');
    await a.xmpp.send(xml('presence', { to: b.jid }));
    await b.next(presenceFrom(undefined, `${alice.jid}/desk`));

    await a.xmpp.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'lunch')));
    const gone = await b.next(presenceFrom('unavailable', `${alice.jid}/desk`));
    expect(gone.getChildText('status')).toBe('lunch');
  });

  it('forgets a recipient once directed unavailable presence went to it', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const one = await login(bob, gatewayB!.ws, 'one');
    const two = await login(bob, gatewayB!.ws, 'two');
    const a = await login(alice, gatewayA!.ws, 'desk');
    const fromAlice = `${alice.jid}/desk`;
    await a.xmpp.send(xml('presence', { to: one.jid }));
    await a.xmpp.send(xml('presence', { to: two.jid }));
    await one.next(presenceFrom(undefined, fromAlice));
    await two.next(presenceFrom(undefined, fromAlice));
    await a.xmpp.send(xml('presence', { to: one.jid, type: 'unavailable' }));
    await one.next(presenceFrom('unavailable', fromAlice));

    await a.stop();
    await two.next(presenceFrom('unavailable', fromAlice));
    // Had `one` still been remembered, its unavailable would have gone out first, on the same
    // path to the same gateway, and reached its stream before this ping's answer.
    await one.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    await expect(one.next(presenceFrom('unavailable', fromAlice), 0)).rejects.toThrow();
  });
});
