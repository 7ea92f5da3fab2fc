import { describe, expect, inject, it } from 'vitest';
import { xml } from '@xmpp/client';
import { jetstream } from '@nats-io/jetstream';
import { GDPR_JOBS_STREAM, GdprResult, gdprSubjects } from '@sotto/contracts';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { bus, createAccount } from '../support/accounts';
import { connectXmpp } from '../support/xmpp-session';

const [gateway] = inject('gateways');

describe('unregister', () => {
  it('ends the session at once, blocks logins, tombstones the JID and reports per service', async () => {
    const alice = await createAccount('erased');
    const session = await connectXmpp({ service: gateway!.ws, account: alice });
    await session.xmpp.send(xml('presence'));

    const started = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    expect(started.status).toBe(202);
    // The connected session is closed by the erasure, before the services forget.
    await session.closed();

    const job = await waitForJob(started.body.job.id);
    expect(job.kind).toBe('erasure');
    expect(job.status).toBe('completed');
    const account = job.services.accounts!;
    expect(account.status).toBe('completed');
    expect(account.datasets?.find((d) => d.name === 'account')?.deleted).toBe(1);

    await expect(connectXmpp({ service: gateway!.ws, account: alice })).rejects.toThrow(
      /not-authorized/,
    );
    const again = await admin('PUT', `/accounts/${encodeURIComponent(alice.jid)}`, {
      password: 'new-password-1',
    });
    expect(again.status).toBe(409);
    const secondErasure = await admin('DELETE', `/accounts/${encodeURIComponent(alice.jid)}`);
    expect(secondErasure.status).toBe(404);
  });

  it('refuses a message to a user whose erasure has begun, and keeps nothing of it', async () => {
    const carol = await createAccount('erasing');
    const dave = await createAccount('sender');
    const d = await connectXmpp({ service: gateway!.ws, account: dave });
    // The erasure's first step, as the orchestrator takes it: the account is disabled, and no
    // service has forgotten anything yet.
    const nats = await bus();
    expect(await nats.request('accounts.disable', { jid: carol.jid })).toEqual({ disabled: true });

    await d.xmpp.send(
      xml('message', { to: carol.jid, type: 'chat', id: 'late' }, xml('body', {}, 'too late')),
    );
    const bounced = await d.next(
      (stanza) =>
        stanza.is('message') && stanza.attrs.id === 'late' && stanza.attrs.type === 'error',
    );
    // The same answer as for an account that does not exist.
    expect(bounced.getChild('error')?.getChild('service-unavailable')).toBeDefined();

    const started = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(carol.jid)}`,
    );
    const job = await waitForJob(started.body.job.id);
    expect(job.status).toBe('completed');
    // Neither stored for her nor archived on either side: there was nothing to forget.
    expect(job.services.offline?.datasets?.find((d) => d.name === 'offline')).toMatchObject({
      deleted: 0,
    });
    expect(job.services.archive?.datasets?.find((d) => d.name === 'mam_pm')).toMatchObject({
      deleted: 0,
      kept: 0,
    });
    await d.stop();
  });

  it('a forget delivered twice more deletes nothing more', async () => {
    const bob = await createAccount('twice');
    const started = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(bob.jid)}`,
    );
    const job = await waitForJob(started.body.job.id);
    expect(job.status).toBe('completed');

    // Redeliver the same request (same job) to the accounts service, twice.
    const nats = await bus();
    const js = jetstream(nats.connection);
    const request = { jobId: job.id, kind: 'forget', subject: bob.jid };
    for (const attempt of [1, 2]) {
      await js.publish(gdprSubjects.request('accounts'), JSON.stringify(request), {
        msgID: `${job.id}.accounts.redelivery-${attempt}`,
      });
    }
    const results = await collectResults(job.id, 3);
    expect(results).toHaveLength(3);
    const deleted = results.map((r) =>
      r.kind === 'forget' ? r.datasets.find((d) => d.name === 'account')?.deleted : -1,
    );
    // The first run deleted the account; the two redeliveries found nothing to delete.
    expect(deleted.sort()).toEqual([0, 0, 1]);
    // And the job's report still says what the first run did.
    const after = await admin<JobView>('GET', `/jobs/${job.id}`);
    expect(after.body.services.accounts?.datasets?.find((d) => d.name === 'account')?.deleted).toBe(
      1,
    );
  });
});

/** Reads the accounts service's results for one job from the durable stream. */
async function collectResults(jobId: string, expected: number): Promise<GdprResult[]> {
  const nats = await bus();
  const js = jetstream(nats.connection);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found: GdprResult[] = [];
    const consumer = await js.consumers.get(GDPR_JOBS_STREAM, {
      filter_subjects: gdprSubjects.result('accounts'),
    });
    const messages = await consumer.fetch({ max_messages: 1000, expires: 3000 });
    for await (const message of messages) {
      const parsed = GdprResult.safeParse(message.json());
      if (parsed.success && parsed.data.jobId === jobId) {
        found.push(parsed.data);
      }
      if (message.info.pending === 0) {
        break;
      }
    }
    if (found.length >= expected || Date.now() > deadline) {
      return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
