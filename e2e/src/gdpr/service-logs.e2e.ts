import { afterEach, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { xml } from '@xmpp/client';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import {
  GDPR_JOBS_STREAM,
  GdprResult,
  collectedLogObjectName,
  collectedObjectName,
  gdprSubjects,
} from '@sotto/contracts';
import { ensureGdprExportsBucket } from '@sotto/gdpr';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { bus, createAccount, type TestAccount } from '../support/accounts';
import { pseudonymOf, serviceLogLines } from '../support/service-logs';
import { connectXmpp } from '../support/xmpp-session';
import { readZip } from '../support/zip';

const [gateway] = inject('gateways');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** The user sets their vCard: the vcard service (at debug level in e2e) logs it by pseudonym. */
async function setVcard(account: TestAccount, name: string): Promise<void> {
  const session = await connectXmpp({ service: gateway!.ws, account, resource: 'phone' });
  cleanups.push(() => session.stop());
  await session.xmpp.iqCaller.request(
    xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, name))),
  );
}

/**
 * Sends the vcard service a collect for the subject, as the orchestrator does for an export, and
 * returns its result and the log lines it put in the exports bucket.
 */
async function collectFromVcard(subject: string): Promise<{ result: GdprResult; log: string }> {
  const nats = await bus();
  const js = jetstream(nats.connection);
  const jobId = randomUUID();
  const since = new Date();
  await js.publish(
    gdprSubjects.request('vcard'),
    JSON.stringify({ jobId, kind: 'collect', subject }),
  );
  const results = await js.consumers.get(GDPR_JOBS_STREAM, {
    filter_subjects: gdprSubjects.result('vcard'),
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    expect(Date.now(), 'the result of the collect').toBeLessThan(deadline);
    // On a loaded machine a pull may miss its heartbeats: that is no answer, not a failure.
    const message = await results.next({ expires: 3000 }).catch(() => null);
    const result = message && GdprResult.parse(message.json());
    if (result?.jobId !== jobId) {
      continue;
    }
    const store = await ensureGdprExportsBucket(nats.connection);
    const objects = [
      collectedLogObjectName(jobId, 'vcard'),
      collectedObjectName(jobId, 'vcard', 'vcard'),
    ];
    cleanups.push(() => Promise.all(objects.map((name) => store.delete(name).catch(() => 0))));
    const logObject = result.kind === 'collect' ? result.logs?.object : undefined;
    const blob = logObject ? await store.getBlob(logObject) : null;
    return { result, log: blob ? Buffer.from(blob).toString('utf8') : '' };
  }
}

describe('the subject’s log lines', () => {
  it('are collected from the service that logged them, and erasure removes them from its files', async () => {
    const alice = await createAccount('logged');
    const bob = await createAccount('logged');
    await setVcard(alice, 'Alice');
    await setVcard(bob, 'Bob');
    const alicePseudonym = pseudonymOf(alice.jid);
    const bobPseudonym = pseudonymOf(bob.jid);

    const { result, log } = await collectFromVcard(alice.jid);

    expect(result.kind).toBe('collect');
    const lines = log.split('\n').filter((line) => line !== '');
    expect(result.kind === 'collect' && result.logs?.lines).toBe(lines.length);
    // Named by the pseudonym of the bare JID, though the session had a resource.
    expect(lines.some((line) => line.includes(`stored the vCard of ${alicePseudonym}`))).toBe(true);
    expect(lines.every((line) => line.includes(alicePseudonym))).toBe(true);
    expect(log).not.toContain(bobPseudonym);
    expect(log).not.toContain(alice.jid);

    // What the compliance officer gets: the same lines in the export's `logs/vcard.log`.
    const exported = await admin<{ job: JobView }>('POST', '/exports', { jid: alice.jid });
    const exportJob = await waitForJob(exported.body.job.id);
    expect(exportJob.status, exportJob.error).toBe('completed');
    const archive = await readZip(
      (await admin<Buffer>('GET', `/exports/${exportJob.id}/archive`)).body,
    );
    const exportedLog = archive.get('logs/vcard.log')?.toString('utf8') ?? '';
    expect(exportedLog).toContain(`stored the vCard of ${alicePseudonym}`);
    expect(exportedLog).not.toContain(bobPseudonym);

    const erasure = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    expect(erasure.status).toBe(202);
    const job = await waitForJob(erasure.body.job.id);
    expect(job.status, job.error).toBe('completed');
    // The vCard went, and so did every line about Alice, "forgot the vCard" included; Bob's stay.
    expect(job.services.vcard?.datasets).toEqual([{ name: 'vcard', deleted: 1, kept: 0 }]);
    const after = serviceLogLines('vcard');
    expect(after.filter((line) => line.includes(alicePseudonym))).toEqual([]);
    expect(after.some((line) => line.includes(`stored the vCard of ${bobPseudonym}`))).toBe(true);

    const again = await collectFromVcard(bob.jid);
    expect(again.result.kind === 'collect' && again.result.logs?.lines).toBeGreaterThan(0);
  });

  it('a subject who never appears in a log gets no lines and no log object', async () => {
    const carol = await createAccount('quiet');
    const { result } = await collectFromVcard(carol.jid);
    expect(result.kind === 'collect' && result.logs).toEqual({ lines: 0 });
  });
});
