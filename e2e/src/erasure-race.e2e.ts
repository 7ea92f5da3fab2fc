import { describe, expect, inject, it } from 'vitest';
import { client } from '@xmpp/client';
import { admin, waitForJob, type JobView } from './support/admin-api';
import { createAccount } from './support/accounts';

const [gateway] = inject('gateways');

describe('a login racing with unregister', () => {
  it('is closed when the erasure ends the sessions between its SASL success and its bind', async () => {
    const alice = await createAccount('racing');
    let erasure: JobView | undefined;
    // @xmpp/client asks for the resource once SASL has succeeded on the account's real keys and
    // the bind feature is offered: the erasure runs (disable, sessions.end, forget) right then,
    // when no session of hers is bound anywhere to be ended.
    const xmpp = client({
      service: gateway!.ws,
      domain: 'localhost',
      credentials: (
        authenticate: (credentials: object, mechanism: string) => Promise<void>,
        mechanisms: string[],
      ) =>
        authenticate(
          { username: alice.username, password: alice.password },
          mechanisms.find((m) => m.startsWith('SCRAM-')) ?? '',
        ),
      resource: async () => {
        const started = await admin<{ job: JobView }>(
          'DELETE',
          `/accounts/${encodeURIComponent(alice.jid)}`,
        );
        erasure = await waitForJob(started.body.job.id);
        return 'late';
      },
    });
    xmpp.reconnect.stop();
    const errors: string[] = [];
    xmpp.on('error', (error: { condition?: string; message?: string }) => {
      errors.push(error.condition ?? error.message ?? 'error');
    });
    const closed = new Promise<'closed'>((resolve) =>
      xmpp.once('disconnect', () => resolve('closed')),
    );
    const started = xmpp.start().then(
      () => 'bound' as const,
      () => 'refused' as const,
    );

    expect(await Promise.race([started, closed])).not.toBe('bound');
    await closed;
    expect(erasure?.status).toBe('completed');
    expect(errors).toContain('not-authorized');
    await xmpp.stop().catch(() => undefined);
  });
});
