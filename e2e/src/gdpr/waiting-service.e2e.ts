import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { GDPR_JOBS_STREAM } from '@sotto/contracts';
import { GdprWorker, type GdprDataProvider } from '@sotto/gdpr';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { bus, createAccount } from '../support/accounts';

// A data-holding service of the test's own, which the test can stop and start at will.
const service = `e2e-held-${randomBytes(3).toString('hex')}`;
const datasets = [{ name: 'notes', columns: ['subject'] }];
const provider: GdprDataProvider = {
  async *collect(subject: string) {
    yield { dataset: 'notes', rows: [{ subject }] };
  },
  async forget() {
    return [{ name: 'notes', deleted: 0, kept: 0 }];
  },
};

async function startService(): Promise<GdprWorker> {
  const worker = new GdprWorker(await bus(), { service, datasets }, provider);
  worker.start();
  await worker.consumingStarted();
  return worker;
}

let worker: GdprWorker | undefined;
afterAll(async () => {
  await worker?.stop();
  // The test service goes away for good: take it out of the registry so later jobs do not wait,
  // and remove its request consumer from the stream.
  await admin('DELETE', `/services/${service}`);
  const jsm = await jetstreamManager((await bus()).connection);
  await jsm.consumers.delete(GDPR_JOBS_STREAM, `gdpr-${service}`).catch(() => undefined);
});

describe('a registered service that does not answer', () => {
  it('keeps an export running and naming it until it answers', async () => {
    worker = await startService();
    await waitForRegistration();
    await worker.stop();

    const alice = await createAccount('held');
    const started = await admin<{ job: JobView }>('POST', '/exports', { jid: alice.jid });
    expect(started.status).toBe(202);
    const waiting = await waitForJob(
      started.body.job.id,
      (job) => job.services.accounts?.status === 'completed',
    );
    expect(waiting.status).toBe('running');
    expect(waiting.services[service]?.status).toBe('pending');
    expect(Date.parse(waiting.services[service]!.waitingSince!)).not.toBeNaN();

    worker = await startService();
    const done = await waitForJob(started.body.job.id);
    expect(done.status).toBe('completed');
    expect(done.services[service]).toMatchObject({ status: 'completed', records: 1 });
  });

  it(
    'fails the job loudly, naming the service, once the deadline passes',
    { timeout: 60_000 },
    async () => {
      await worker?.stop();
      worker = undefined;
      const bob = await createAccount('held');
      const started = await admin<{ job: JobView }>('POST', '/exports', { jid: bob.jid });
      const failed = await waitForJob(started.body.job.id, undefined, 40_000);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain(service);
      expect(failed.services[service]?.status).toBe('failed');
      expect(failed.services.accounts?.status).toBe('completed');
      const archive = await admin('GET', `/exports/${failed.id}/archive`);
      expect(archive.status).not.toBe(200);
    },
  );
});

async function waitForRegistration(): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { body } = await admin<{ service: string }[]>('GET', '/services');
    if (body.some((entry) => entry.service === service)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the orchestrator never registered ${service}`);
}
