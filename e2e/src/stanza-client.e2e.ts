import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml } from '@xmpp/client';
import * as XMPP from 'stanza';
import { createAccount, type TestAccount } from './support/accounts';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';

const [gatewayA, gatewayB] = inject('gateways');

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Logs in with StanzaJS over WebSocket and records which SASL mechanism it chose. */
async function stanzaLogin(
  account: TestAccount,
  url: string,
): Promise<{ client: XMPP.Agent; mechanism: string }> {
  const client = XMPP.createClient({
    jid: account.jid,
    password: account.password,
    resource: 'stanza',
    transports: { websocket: url, bosh: false },
  });
  let mechanism = '';
  client.on('raw:outgoing', (data: string) => {
    mechanism ||= /<auth[^>]*mechanism=["']([^"']+)/.exec(data)?.[1] ?? '';
  });
  cleanups.push(() => client.disconnect());
  await new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error('auth failed')));
    client.connect();
  });
  return { client, mechanism };
}

describe('StanzaJS over WebSocket', () => {
  it('logs in with SCRAM-SHA-256 and chats with an @xmpp/client user on the other gateway', async () => {
    const alice = await createAccount('alice');
    const bob = await createAccount('bob');
    const { client, mechanism } = await stanzaLogin(alice, gatewayA!.ws);
    expect(mechanism).toBe('SCRAM-SHA-256');
    client.sendPresence();

    const b: XmppSession = await connectXmpp({ service: gatewayB!.ws, account: bob });
    cleanups.push(() => b.stop());
    await b.xmpp.send(xml('presence'));

    client.sendMessage({ to: bob.jid, type: 'chat', body: 'from stanza' });
    const got = await b.next(isMessageWithBody('from stanza'));
    expect(got.attrs.from).toBe(`${alice.jid}/stanza`);

    const received = new Promise<XMPP.Stanzas.Message>((resolve) => client.on('chat', resolve));
    await b.xmpp.send(
      xml('message', { to: alice.jid, type: 'chat' }, xml('body', {}, 'to stanza')),
    );
    expect((await received).body).toBe('to stanza');
  });

  it('fails to log in with a wrong password', async () => {
    const alice = await createAccount('alice');
    await expect(stanzaLogin({ ...alice, password: 'not it' }, gatewayB!.ws)).rejects.toThrow(
      /auth failed/,
    );
  });
});
