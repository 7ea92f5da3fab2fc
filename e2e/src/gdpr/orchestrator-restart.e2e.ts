import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { xml, type XmlElement } from '@xmpp/client';
import { jetstreamManager } from '@nats-io/jetstream';
import { GDPR_JOBS_STREAM } from '@sotto/contracts';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { bus, createAccount, type TestAccount } from '../support/accounts';
import { waitForPort } from '../support/processes';
import { runningService, startAgain, stopRunning } from '../support/restarts';
import { connectXmpp } from '../support/xmpp-session';
import { readZip } from '../support/zip';

// The private storage service stands for any data-holding service; the orchestrator is the one
// of the set-up, stopped and started again with the environment it ran with.
const [gateway] = inject('gateways');
let orchestratorEnv: Record<string, string> | undefined;
let privateEnv: Record<string, string> | undefined;

const privateIq = (payload: XmlElement, type: 'get' | 'set' = 'get') =>
  xml('iq', { type }, xml('query', { xmlns: 'jabber:iq:private' }, payload));

async function startOrchestrator(env: Record<string, string>): Promise<void> {
  startAgain('orchestrator', env);
  await Promise.all([
    waitForPort(Number(env.ORCHESTRATOR_HTTP_PORT)),
    waitForPort(Number(env.ORCHESTRATOR_GRPC_PORT)),
  ]);
}

async function stopOrchestrator(): Promise<void> {
  const running = runningService('orchestrator');
  expect(running).toHaveLength(1);
  orchestratorEnv ??= running[0]!.env;
  await stopRunning(running);
}

async function stopPrivate(): Promise<void> {
  const running = runningService('private');
  expect(running).toHaveLength(1);
  privateEnv ??= running[0]!.env;
  await stopRunning(running);
}

/** Starts the private service again and waits until a user's request reaches it. */
async function startPrivate(): Promise<void> {
  startAgain('private', privateEnv!);
  const probe = await createAccount('probe');
  const session = await connectXmpp({ service: gateway!.ws, account: probe });
  try {
    for (let attempt = 0; ; attempt++) {
      // service-unavailable until it serves its IQs again.
      const answered = await session.xmpp.iqCaller
        .request(privateIq(xml('exodus', { xmlns: 'exodus:prefs' })))
        .then(() => true)
        .catch(() => false);
      if (answered) {
        return;
      }
      expect(attempt, 'the private service answering again').toBeLessThan(150);
      await sleep(200);
    }
  } finally {
    await session.stop();
  }
}

beforeAll(async () => {
  // The jobs of this file must not reach their deadline while the test restarts processes on a
  // slow machine: the orchestrator that creates them gets a long one.
  await stopOrchestrator();
  await startOrchestrator({ ...orchestratorEnv!, GDPR_JOB_DEADLINE_MS: '300000' });
});

afterAll(async () => {
  // The platform as the set-up made it, for the files after this one.
  if (privateEnv && runningService('private').length === 0) {
    await startPrivate();
  }
  if (orchestratorEnv) {
    await stopRunning(runningService('orchestrator'));
    await startOrchestrator(orchestratorEnv);
  }
});

const sessions: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop()));
});

/** The user stores something in private XML storage (XEP-0049). */
async function storePrivate(account: TestAccount, nick: string): Promise<void> {
  const session = await connectXmpp({ service: gateway!.ws, account });
  sessions.push(session);
  await session.xmpp.iqCaller.request(
    privateIq(xml('exodus', { xmlns: 'exodus:prefs' }, xml('defaultnick', {}, nick)), 'set'),
  );
  await session.stop();
}

/** Starts a job; returns it once every service but the stopped one answered. */
async function startWaiting(
  method: 'POST' | 'DELETE',
  account: TestAccount,
): Promise<{ id: string; waitingSince: string }> {
  const started =
    method === 'POST'
      ? await admin<{ job: JobView }>('POST', '/exports', { jid: account.jid })
      : await admin<{ job: JobView }>('DELETE', `/accounts/${encodeURIComponent(account.jid)}`);
  expect(started.status).toBe(202);
  const waiting = await waitForJob(started.body.job.id, (job) =>
    Object.entries(job.services).every(
      ([name, service]) => name === 'private' || service.status === 'completed',
    ),
  );
  expect(waiting.status).toBe('running');
  expect(waiting.services.private?.status).toBe('pending');
  return { id: waiting.id, waitingSince: waiting.services.private!.waitingSince! };
}

async function privateRowsOfExport(jobId: string): Promise<{ ns: string; xml: string }[]> {
  const download = await admin<Buffer>('GET', `/exports/${jobId}/archive`);
  expect(download.status).toBe(200);
  const files = await readZip(download.body);
  return JSON.parse(files.get('private/private.json')!.toString('utf8')) as {
    ns: string;
    xml: string;
  }[];
}

describe('an orchestrator restarted in the middle of jobs', () => {
  it(
    'resumes an export and an erasure that wait for a stopped service, and completes them once it is back',
    { timeout: 120_000 },
    async () => {
      const alice = await createAccount('resumed');
      const bob = await createAccount('resumed');
      await storePrivate(alice, 'Alice');
      await storePrivate(bob, 'Bob');
      await stopPrivate();

      const exported = await startWaiting('POST', alice);
      const erased = await startWaiting('DELETE', bob);
      await stopOrchestrator();
      await startOrchestrator(orchestratorEnv!);

      // Back up, it still waits for the same service, since the same time: nothing was lost.
      for (const job of [exported, erased]) {
        const { body } = await admin<JobView>('GET', `/jobs/${job.id}`);
        expect(body.status).toBe('running');
        expect(body.services.private).toMatchObject({
          status: 'pending',
          waitingSince: job.waitingSince,
        });
        expect(body.services.accounts?.status).toBe('completed');
      }

      await startPrivate();
      const exportDone = await waitForJob(exported.id, undefined, 60_000);
      expect(exportDone.status, exportDone.error).toBe('completed');
      expect(exportDone.services.private).toMatchObject({ status: 'completed', records: 1 });
      const rows = await privateRowsOfExport(exported.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.ns).toBe('exodus:prefs');
      expect(rows[0]!.xml).toContain('<defaultnick>Alice</defaultnick>');

      const erasureDone = await waitForJob(erased.id, undefined, 60_000);
      expect(erasureDone.status, erasureDone.error).toBe('completed');
      expect(erasureDone.services.private?.datasets).toEqual([
        { name: 'private', deleted: 1, kept: 0 },
      ]);
    },
  );

  it('applies the answers services sent while it was stopped', { timeout: 120_000 }, async () => {
    const carol = await createAccount('answered');
    await storePrivate(carol, 'Carol');
    await stopPrivate();
    const exported = await startWaiting('POST', carol);

    // The request is published; the orchestrator goes away before the answer comes.
    await stopOrchestrator();
    await startPrivate();
    await privateAnswered();
    await startOrchestrator(orchestratorEnv!);

    const done = await waitForJob(exported.id, undefined, 60_000);
    expect(done.status, done.error).toBe('completed');
    expect(done.services.private).toMatchObject({ status: 'completed', records: 1 });
    const rows = await privateRowsOfExport(exported.id);
    expect(rows.map((row) => row.xml)).toEqual([
      expect.stringContaining('<defaultnick>Carol</defaultnick>'),
    ]);
  });
});

/**
 * Waits until the private service has taken every request (its consumer has none left) and the
 * orchestrator's results consumer holds an answer it has not consumed: it is stopped.
 */
async function privateAnswered(): Promise<void> {
  const jsm = await jetstreamManager((await bus()).connection);
  for (let attempt = 0; ; attempt++) {
    const requests = await jsm.consumers.info(GDPR_JOBS_STREAM, 'gdpr-private');
    const results = await jsm.consumers.info(GDPR_JOBS_STREAM, 'orchestrator-results');
    if (requests.num_pending + requests.num_ack_pending === 0 && results.num_pending > 0) {
      return;
    }
    expect(attempt, 'the private service answering while the orchestrator is down').toBeLessThan(
      150,
    );
    await sleep(200);
  }
}
