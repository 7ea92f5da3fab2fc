import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { xml } from '@xmpp/client';
import { createAccount } from './support/accounts';
import { TCP_HEADER, WS_OPEN, rawTcp, rawWebSocket, type RawStream } from './support/raw-stream';
import { connectXmpp, isMessageWithBody, type XmppSession } from './support/xmpp-session';

const [gatewayA] = inject('gateways');
const tcpPort = gatewayA!.tcpPort;
const wsUrl = gatewayA!.ws;

const streamError = (condition: string) =>
  new RegExp(
    `<stream:error[^>]*>\\s*<${condition} xmlns=['"]urn:ietf:params:xml:ns:xmpp-streams['"]`,
  );

async function expectStreamError(stream: RawStream, condition: string): Promise<void> {
  await stream.until(streamError(condition));
  await stream.closed();
}

// A bystander whose session must not notice anything, checked after every case.
let alice: XmppSession;
let bob: XmppSession;
let round = 0;
beforeAll(async () => {
  const a = await createAccount('bystander');
  const b = await createAccount('witness');
  alice = await connectXmpp({ service: wsUrl, account: a });
  bob = await connectXmpp({ service: `xmpp://127.0.0.1:${tcpPort}`, account: b });
  await bob.xmpp.send(xml('presence'));
});
afterAll(async () => {
  await Promise.all([alice?.stop(), bob?.stop()]);
});

async function bystanderStillChats(): Promise<void> {
  const body = `still here ${round++}`;
  await alice.xmpp.send(xml('message', { to: bob.jid, type: 'chat' }, xml('body', {}, body)));
  await bob.next(isMessageWithBody(body));
}

describe('hostile input on TCP', () => {
  it('refuses a billion-laughs document with restricted-xml', async () => {
    const s = await rawTcp(tcpPort);
    const laughs = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    ).join('');
    s.send(`<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${laughs}]>`);
    s.send(
      TCP_HEADER.replace("<?xml version='1.0'?>", '') + '<message><body>&lol9;</body></message>',
    );
    await expectStreamError(s, 'restricted-xml');
    await bystanderStillChats();
  });

  it('refuses a DTD inside the stream with restricted-xml', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER);
    await s.until(/<\/stream:features>/);
    s.send('<!DOCTYPE x [<!ELEMENT x ANY>]>');
    await expectStreamError(s, 'restricted-xml');
    await bystanderStillChats();
  });

  it('refuses a 10 MB stanza with policy-violation before reading it all', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER);
    await s.until(/<\/stream:features>/);
    s.send('<message><body>');
    const chunk = 'x'.repeat(64 * 1024);
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      s.send(chunk);
    }
    await expectStreamError(s, 'policy-violation');
    await bystanderStillChats();
  });

  it('refuses 10 000-deep nesting with policy-violation', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER);
    await s.until(/<\/stream:features>/);
    s.send('<message>' + '<x>'.repeat(10_000) + '</x>'.repeat(10_000) + '</message>');
    await expectStreamError(s, 'policy-violation');
    await bystanderStillChats();
  });

  it('refuses invalid UTF-8 with unsupported-encoding', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER);
    await s.until(/<\/stream:features>/);
    s.send(
      Buffer.concat([
        Buffer.from('<message><body>'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('</body></message>'),
      ]),
    );
    await expectStreamError(s, 'unsupported-encoding');
    await bystanderStillChats();
  });

  it('refuses a stanza before authentication with not-authorized', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER);
    await s.until(/<\/stream:features>/);
    s.send("<message to='someone@localhost'><body>hi</body></message>");
    await expectStreamError(s, 'not-authorized');
    await bystanderStillChats();
  });

  it('ends malformed XML with not-well-formed', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER);
    await s.until(/<\/stream:features>/);
    s.send('<message><body>unclosed</message>');
    await expectStreamError(s, 'not-well-formed');
    await bystanderStillChats();
  });

  it('refuses a stream for another domain with host-unknown', async () => {
    const s = await rawTcp(tcpPort);
    s.send(TCP_HEADER.replace("to='localhost'", "to='elsewhere.example'"));
    await expectStreamError(s, 'host-unknown');
  });
});

describe('a flooding client', () => {
  it('is throttled while other users keep chatting', async () => {
    const flooder = await rawTcp(tcpPort);
    flooder.send(TCP_HEADER);
    await flooder.until(/<\/stream:features>/);
    // 8 MB of whitespace keep-alives, far over the burst, then a stanza the server must refuse.
    const chunk = ' '.repeat(64 * 1024);
    for (let sent = 0; sent < 8 * 1024 * 1024; sent += chunk.length) {
      flooder.send(chunk);
    }
    flooder.send('<message><body>late</body></message>');
    // The bystander is served while the flood still waits in the flooder's socket: the
    // refusal of its trailing stanza has not come yet.
    await bystanderStillChats();
    await bystanderStillChats();
    await expect(flooder.until(/not-authorized/, 100)).rejects.toThrow();
    flooder.destroy();
  });
});

describe('hostile input on WebSocket', () => {
  it('refuses a DTD frame with restricted-xml', async () => {
    const s = await rawWebSocket(wsUrl);
    s.send(WS_OPEN);
    await s.until(/<\/stream:features>/);
    s.send(
      '<!DOCTYPE m [<!ENTITY a "aaaa">]><message xmlns="jabber:client"><body>&a;</body></message>',
    );
    await expectStreamError(s, 'restricted-xml');
    await bystanderStillChats();
  });

  it('refuses a stanza before authentication and invalid UTF-8', async () => {
    const before = await rawWebSocket(wsUrl);
    before.send(WS_OPEN);
    await before.until(/<\/stream:features>/);
    before.send("<message xmlns='jabber:client' to='x@localhost'><body>hi</body></message>");
    await expectStreamError(before, 'not-authorized');

    const bytes = await rawWebSocket(wsUrl);
    bytes.send(WS_OPEN);
    await bytes.until(/<\/stream:features>/);
    bytes.send(
      Buffer.concat([
        Buffer.from("<message xmlns='jabber:client'><body>"),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('</body></message>'),
      ]),
    );
    await expectStreamError(bytes, 'unsupported-encoding');
    await bystanderStillChats();
  });

  it('refuses an oversized frame and keeps serving others', async () => {
    const s = await rawWebSocket(wsUrl);
    s.send(WS_OPEN);
    await s.until(/<\/stream:features>/);
    s.send(`<message xmlns='jabber:client'><body>${'x'.repeat(10 * 1024 * 1024)}</body></message>`);
    // ws cuts frames far over the limit itself with close code 1009 (message too big).
    expect(await s.closeCode()).toBe(1009);
    await bystanderStillChats();
  });
});

describe('bad addressing from an authenticated session', () => {
  it('answers an invalid JID in "to" with jid-malformed and keeps the stream', async () => {
    await alice.xmpp.send(
      xml('message', { to: 'a@b@c', id: 'bad-to', type: 'chat' }, xml('body', {}, 'x')),
    );
    const error = await alice.next((s) => s.attrs.id === 'bad-to' && s.attrs.type === 'error');
    expect(error.getChild('error')?.getChild('jid-malformed')).toBeDefined();
    await bystanderStillChats();
  });
});
