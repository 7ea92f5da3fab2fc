import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import {
  GDPR_EXPORTS_BUCKET,
  GDPR_ANNOUNCE_STREAM,
  GDPR_JOBS_STREAM,
  GdprAnnouncement,
  GdprResult,
  gdprSubjects,
  collectedLogObjectName,
  type ForgottenDataset,
} from '@sotto/contracts';
import { LogStore, pseudonym } from '@sotto/logging';
import { NatsClient } from '@sotto/nats';
import type { CollectedPage, GdprDataProvider } from './gdpr-data-provider';
import { ensureGdprExportsBucket } from './gdpr-exports-bucket';
import { ensureGdprStreams } from './gdpr-streams';
import { GdprWorker } from './gdpr-worker';

// Against the real NATS: a service name of its own per run, and everything it made removed after.
const service = `t-${randomBytes(6).toString('hex')}`;
const datasets = [
  { name: 'notes', columns: ['id', 'text'] },
  { name: 'empty', columns: ['id'] },
];

class FakeProvider implements GdprDataProvider {
  readonly forgotten: string[] = [];
  failuresLeft = 0;

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('database unavailable');
    }
    yield { dataset: 'notes', rows: [{ id: 1, text: `of ${subject}` }] };
    yield { dataset: 'notes', rows: [{ id: 2, text: 'second page' }] };
  }

  async forget(subject: string): Promise<ForgottenDataset[]> {
    const first = !this.forgotten.includes(subject);
    this.forgotten.push(subject);
    return [
      { name: 'notes', deleted: first ? 2 : 0, kept: 0 },
      { name: 'empty', deleted: 0, kept: 1, keptReason: 'shared with others' },
    ];
  }
}

// The object store's meta subject of an object: its name in padded base64url.
function metaSubject(name: string): string {
  const encoded = Buffer.from(name).toString('base64url');
  return `$O.${GDPR_EXPORTS_BUCKET}.M.${encoded.padEnd(Math.ceil(encoded.length / 4) * 4, '=')}`;
}

describe('GdprWorker', () => {
  let nats: NatsClient;
  let jsm: JetStreamManager;
  let store: ObjectStore;
  let provider: FakeProvider;
  let sut: GdprWorker;
  const objects: string[] = [];
  // The service's log files: those of a stopped process of the service, written here directly.
  const logRoot = mkdtempSync(join(tmpdir(), 'gdpr-worker-logs-'));
  const logDir = join(logRoot, service);
  const logFile = join(logDir, `${Date.now()}-4242.log`);

  beforeAll(async () => {
    nats = await NatsClient.connect({ url: 'nats://127.0.0.1:4222', name: 'gdpr-worker-spec' });
    jsm = await ensureGdprStreams(nats.connection);
    store = await ensureGdprExportsBucket(nats.connection);
    provider = new FakeProvider();
    sut = new GdprWorker(nats, { service, datasets }, provider, new LogStore(logDir));
    sut.start();
    await sut.consumingStarted();
  });

  afterAll(async () => {
    await sut?.stop();
    await jsm?.consumers.delete(GDPR_JOBS_STREAM, sut.consumerName).catch(() => false);
    for (const subject of [gdprSubjects.request(service), gdprSubjects.result(service)]) {
      await jsm?.streams.purge(GDPR_JOBS_STREAM, { filter: subject });
    }
    await jsm?.streams.purge(GDPR_ANNOUNCE_STREAM, { filter: gdprSubjects.announce(service) });
    for (const name of objects) {
      // Deleting leaves a marker naming the object; purge it too so nothing of the run is left.
      await store.delete(name).catch(() => undefined);
      await jsm?.streams.purge(`OBJ_${GDPR_EXPORTS_BUCKET}`, { filter: metaSubject(name) });
    }
    await nats?.connection.close();
    rmSync(logRoot, { recursive: true, force: true });
  });

  async function request(body: unknown): Promise<void> {
    const js = jetstream(nats.connection);
    await js.publish(gdprSubjects.request(service), JSON.stringify(body));
  }

  /** Waits for the results of one job, read back from the jobs stream. */
  async function results(jobId: string, count = 1): Promise<GdprResult[]> {
    const reader = await jsm.consumers.add(GDPR_JOBS_STREAM, {
      filter_subject: gdprSubjects.result(service),
      ack_policy: AckPolicy.None,
      inactive_threshold: 10_000 * 1_000_000,
    });
    try {
      const consumer = await jetstream(nats.connection).consumers.get(
        GDPR_JOBS_STREAM,
        reader.name,
      );
      const found: GdprResult[] = [];
      const deadline = Date.now() + 15_000;
      while (found.length < count && Date.now() < deadline) {
        // On a loaded machine a pull may miss its heartbeats: that is no answer, not a failure.
        const next = await consumer.next({ expires: 3000 }).catch(() => null);
        const result = next && GdprResult.parse(next.json());
        if (result?.jobId === jobId) {
          found.push(result);
        }
      }
      return found;
    } finally {
      await jsm.consumers.delete(GDPR_JOBS_STREAM, reader.name);
    }
  }

  it('announces its datasets', async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const stored = await jsm.streams
        .getMessage(GDPR_ANNOUNCE_STREAM, { last_by_subj: gdprSubjects.announce(service) })
        .catch(() => null);
      if (stored) {
        expect(GdprAnnouncement.parse(stored.json())).toMatchObject({ service, datasets });
        return;
      }
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('collects every declared dataset into NDJSON objects and publishes the result', async () => {
    const jobId = randomUUID();
    await request({ jobId, kind: 'collect', subject: 'juliet@example.org' });

    const [result] = await results(jobId);
    const prefix = `${jobId}/${service}`;
    objects.push(`${prefix}/notes.ndjson`, `${prefix}/empty.ndjson`);
    expect(result).toEqual({
      kind: 'collect',
      jobId,
      service,
      datasets: [
        { name: 'notes', rows: 2, object: `${prefix}/notes.ndjson` },
        { name: 'empty', rows: 0, object: `${prefix}/empty.ndjson` },
      ],
      logs: { lines: 0 },
    });
    const notes = new TextDecoder().decode((await store.getBlob(`${prefix}/notes.ndjson`))!);
    expect(notes).toBe('{"id":1,"text":"of juliet@example.org"}\n{"id":2,"text":"second page"}\n');
    expect((await store.getBlob(`${prefix}/empty.ndjson`))?.length).toBe(0);
  });

  it('collects the subject’s log lines, and forget removes them from the log files', async () => {
    const nurse = pseudonym('nurse@example.org');
    const friar = pseudonym('friar@example.org');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(logFile, `one ${nurse}\ntwo ${friar}\nthree ${nurse}\n`);
    const jobId = randomUUID();
    await request({ jobId, kind: 'collect', subject: 'nurse@example.org' });

    const [collected] = await results(jobId);
    const object = collectedLogObjectName(jobId, service);
    objects.push(object, `${jobId}/${service}/notes.ndjson`, `${jobId}/${service}/empty.ndjson`);
    expect(collected).toMatchObject({ kind: 'collect', logs: { lines: 2, object } });
    expect(new TextDecoder().decode((await store.getBlob(object))!)).toBe(
      `one ${nurse}\nthree ${nurse}\n`,
    );

    const forgetJob = randomUUID();
    await request({ jobId: forgetJob, kind: 'forget', subject: 'nurse@example.org' });
    const [forgotten] = await results(forgetJob);
    // Log lines are no dataset of the report.
    expect(forgotten?.datasets.map((d) => d.name)).toEqual(['notes', 'empty']);
    expect(readFileSync(logFile, 'utf8')).toBe(`two ${friar}\n`);
  });

  it('terminates an invalid request and goes on with the next', async () => {
    await request({ kind: 'collect', subject: 'not a jid' });
    await nats.connection.flush();
    const jobId = randomUUID();
    await request({ jobId, kind: 'forget', subject: 'romeo@example.org' });

    const [result] = await results(jobId);
    expect(result).toEqual({
      kind: 'forget',
      jobId,
      service,
      datasets: [
        { name: 'notes', deleted: 2, kept: 0 },
        { name: 'empty', deleted: 0, kept: 1, keptReason: 'shared with others' },
      ],
    });
    const info = await jsm.consumers.info(GDPR_JOBS_STREAM, sut.consumerName);
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  });

  it('answers a request published again, and the second forget deletes nothing', async () => {
    const jobId = randomUUID();
    await request({ jobId, kind: 'forget', subject: 'mercutio@example.org' });
    await request({ jobId, kind: 'forget', subject: 'mercutio@example.org' });

    const deleted = (await results(jobId, 2)).map((r) => r.datasets[0]);
    expect(deleted).toMatchObject([{ deleted: 2 }, { deleted: 0 }]);
  });

  it('recreates its consumer when it is deleted', async () => {
    await jsm.consumers.delete(GDPR_JOBS_STREAM, sut.consumerName);
    const jobId = randomUUID();
    await request({ jobId, kind: 'forget', subject: 'benvolio@example.org' });

    expect(await results(jobId)).toHaveLength(1);
  });

  it('retries a request whose provider failed', async () => {
    provider.failuresLeft = 1;
    const jobId = randomUUID();
    await request({ jobId, kind: 'collect', subject: 'tybalt@example.org' });

    const [result] = await results(jobId);
    objects.push(`${jobId}/${service}/notes.ndjson`, `${jobId}/${service}/empty.ndjson`);
    expect(result?.kind).toBe('collect');
    expect(provider.failuresLeft).toBe(0);
  });
});
