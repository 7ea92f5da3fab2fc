import { afterEach, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { admin } from '../support/admin-api';
import { connectXmpp, type XmppSession } from '../support/xmpp-session';

const [gateway] = inject('gateways');
const sessions: XmppSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop()));
});

describe('register and register_identified over HTTP', () => {
  it('registers a random JID whose user logs in over WebSocket', async () => {
    const { status, body } = await admin<{ jid: string; password: string }>('POST', '/accounts', {
      domain: 'localhost',
    });
    expect(status).toBe(201);
    const [localpart, domain] = body.jid.split('@');
    // At least 96 random bits in lower-case letters and digits, nothing else in it.
    expect(localpart).toMatch(/^[a-z0-9]{20,}$/);
    expect(domain).toBe('localhost');
    expect(body.password.length).toBeGreaterThanOrEqual(16);

    const session = await connectXmpp({
      service: gateway!.ws,
      account: { username: localpart!, password: body.password },
    });
    sessions.push(session);
    expect(session.jid.startsWith(`${body.jid}/`)).toBe(true);
  });

  it('uses the password given and returns none', async () => {
    const { status, body } = await admin<{ jid: string; password?: string }>('POST', '/accounts', {
      password: 'a chosen password',
    });
    expect(status).toBe(201);
    expect(body.password).toBeUndefined();
    const session = await connectXmpp({
      service: gateway!.ws,
      account: { username: body.jid.split('@')[0]!, password: 'a chosen password' },
    });
    sessions.push(session);
  });

  it('registers a chosen JID once: 201, then 409; an invalid one is 400', async () => {
    const jid = `chosen-${randomBytes(4).toString('hex')}@localhost`;
    const first = await admin('PUT', `/accounts/${encodeURIComponent(jid)}`, {
      password: 'pw-one-two-three',
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ jid });
    const again = await admin('PUT', `/accounts/${encodeURIComponent(jid)}`, {
      password: 'another-one',
    });
    expect(again.status).toBe(409);
    const invalid = await admin('PUT', `/accounts/${encodeURIComponent('bad@@localhost')}`, {
      password: 'x-y-z-w',
    });
    expect(invalid.status).toBe(400);
    const otherDomain = await admin(
      'PUT',
      `/accounts/${encodeURIComponent('a@elsewhere.example')}`,
      {
        password: 'x-y-z-w',
      },
    );
    expect(otherDomain.status).toBe(400);
  });

  it('answers bad bodies with 400 and a reason', async () => {
    const noPassword = await admin<{ message: unknown }>(
      'PUT',
      '/accounts/someone%40localhost',
      {},
    );
    expect(noPassword.status).toBe(400);
    expect(JSON.stringify(noPassword.body.message)).toMatch(/password/);
    const wrongType = await admin('POST', '/exports', { jid: 42 });
    expect(wrongType.status).toBe(400);
  });

  it('refuses every admin call without the bearer token', async () => {
    for (const [method, path, body] of [
      ['POST', '/accounts', {}],
      ['PUT', '/accounts/x%40localhost', { password: 'whatever-1' }],
      ['DELETE', '/accounts/x%40localhost', undefined],
      ['POST', '/exports', { jid: 'x@localhost' }],
      ['GET', '/jobs', undefined],
    ] as const) {
      expect((await admin(method, path, body, null)).status).toBe(401);
      expect((await admin(method, path, body, 'not-the-token')).status).toBe(401);
    }
  });
});
