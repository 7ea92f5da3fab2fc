import { describe, it, expect, beforeEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  collectedLogObjectName,
  collectedObjectName,
  type CollectedLogs,
  type GdprRequest,
  type GdprResult,
} from '@sotto/contracts';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import type { AnnouncedDatasets } from '../archive/export-archives';
import type { GdprServiceEntity } from '../registry/gdpr-service.entity';
import { JobEvents } from './job-events';
import type { JobKind, JobRecord, JobState } from './job-state';
import type { JobStore, NewJob } from './jobs.repository';
import {
  JobsService,
  type Archives,
  type RequestPublisher,
  type ServiceRegistry,
} from './jobs.service';

class FakeJobStore implements JobStore {
  readonly states = new Map<string, JobState>();

  async create(input: NewJob): Promise<JobState> {
    const id = randomUUID();
    const state: JobState = {
      job: {
        id,
        kind: input.kind,
        status: 'queued',
        subjectJid: input.subjectJid,
        subjectHash: input.subjectHash,
        deadlineAt: input.deadlineAt,
        createdAt: input.createdAt,
        finishedAt: null,
        error: null,
      },
      services: input.services.map((service) => ({
        jobId: id,
        service,
        status: 'pending',
        records: 0,
        waitingSince: input.createdAt,
        answeredAt: null,
        datasets: null,
        logs: null,
      })),
    };
    this.states.set(id, state);
    return state;
  }
  async find(id: string): Promise<JobState | null> {
    return this.states.get(id) ?? null;
  }
  async list(limit: number): Promise<JobState[]> {
    return [...this.states.values()].reverse().slice(0, limit);
  }
  async latest(kind: JobKind, subjectHash: string): Promise<JobRecord | null> {
    const jobs = [...this.states.values()].map((s) => s.job);
    return jobs.filter((j) => j.kind === kind && j.subjectHash === subjectHash).pop() ?? null;
  }
  async update<T>(
    id: string,
    mutate: (state: JobState) => { state: JobState; result: T },
  ): Promise<{ state: JobState; result: T } | null> {
    const state = this.states.get(id);
    if (!state) {
      return null;
    }
    const after = mutate(state);
    this.states.set(id, after.state);
    return after;
  }
  async overdue(now: Date): Promise<string[]> {
    return [...this.states.values()]
      .filter((s) => ['queued', 'running'].includes(s.job.status) && s.job.deadlineAt <= now)
      .map((s) => s.job.id);
  }
  async unfinished(): Promise<JobState[]> {
    return [...this.states.values()].filter((s) => ['queued', 'running'].includes(s.job.status));
  }
}

class FakeRegistry implements ServiceRegistry {
  services: string[] = ['accounts', 'roster'];
  async list(): Promise<GdprServiceEntity[]> {
    return this.services.map((service) => ({
      service,
      datasets: [{ name: service === 'accounts' ? 'account' : service, columns: ['jid'] }],
      firstAnnouncedAt: new Date(0),
      lastAnnouncedAt: new Date(0),
    }));
  }
}

class FakePublisher implements RequestPublisher {
  readonly published: { service: string; request: GdprRequest }[] = [];
  failing = false;
  async publishRequest(service: string, request: GdprRequest): Promise<void> {
    if (this.failing) {
      throw new Error('no JetStream');
    }
    this.published.push({ service, request });
  }
}

class FakeArchives implements Archives {
  readonly built: {
    jobId: string;
    announced: AnnouncedDatasets;
    logs: Record<string, CollectedLogs | null>;
  }[] = [];
  readonly discarded: string[] = [];
  failing = false;
  async build(state: JobState, announced: AnnouncedDatasets): Promise<void> {
    if (this.failing) {
      throw new Error('disk full');
    }
    const logs = Object.fromEntries(state.services.map((s) => [s.service, s.logs]));
    this.built.push({ jobId: state.job.id, announced, logs });
  }
  readonly followed: string[] = [];
  async follow(jobId: string): Promise<void> {
    this.followed.push(jobId);
  }
  async discard(objects: readonly string[]): Promise<void> {
    this.discarded.push(...objects);
  }
}

const DEADLINE_MS = 60_000;
const SUBJECT = 'alice@example.org';

const datasetOf = (service: string) => (service === 'accounts' ? 'account' : service);
const objectOf = (jobId: string, service: string) =>
  collectedObjectName(jobId, service, datasetOf(service));

function collect(jobId: string, service: string, rows: number, logLines?: number): GdprResult {
  return {
    kind: 'collect',
    jobId,
    service,
    datasets: [{ name: datasetOf(service), rows, object: objectOf(jobId, service) }],
    ...(logLines === undefined
      ? {}
      : { logs: { lines: logLines, object: collectedLogObjectName(jobId, service) } }),
  };
}

function forget(jobId: string, service: string, deleted: number, kept = 0): GdprResult {
  return {
    kind: 'forget',
    jobId,
    service,
    datasets: [{ name: service, deleted, kept, ...(kept > 0 ? { keptReason: 'shared' } : {}) }],
  };
}

async function code(promise: Promise<unknown>): Promise<AdminErrorCode | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (error instanceof AdminException) {
      return error.code;
    }
    throw error;
  }
}

describe('JobsService', () => {
  let store: FakeJobStore;
  let registry: FakeRegistry;
  let publisher: FakePublisher;
  let archives: FakeArchives;
  let sut: JobsService;

  beforeEach(() => {
    store = new FakeJobStore();
    registry = new FakeRegistry();
    publisher = new FakePublisher();
    archives = new FakeArchives();
    sut = new JobsService(store, registry, publisher, archives, new JobEvents(), {
      GDPR_JOB_DEADLINE_MS: DEADLINE_MS,
    });
  });

  it('fans a request out to every registered service and runs', async () => {
    const job = await sut.start('export', SUBJECT, 'hash');
    expect(job).toMatchObject({ kind: 'export', status: 'running', finishedAt: null });
    expect(Object.keys(job.services)).toEqual(['accounts', 'roster']);
    expect(job.services.roster).toMatchObject({ status: 'pending', records: 0 });
    expect(job.services.roster.waitingSince).toBe(job.createdAt);
    expect(publisher.published).toEqual([
      { service: 'accounts', request: { jobId: job.id, kind: 'collect', subject: SUBJECT } },
      { service: 'roster', request: { jobId: job.id, kind: 'collect', subject: SUBJECT } },
    ]);
    // The archive follows the rows as they are collected.
    expect(archives.followed).toEqual([job.id]);
  });

  it('refuses to start while no service ever registered, and makes no job', async () => {
    registry.services = [];
    expect(await code(sut.start('export', SUBJECT, 'hash'))).toBe(AdminErrorCode.Unavailable);
    expect(store.states.size).toBe(0);
  });

  it('fails the job when the requests cannot be published', async () => {
    publisher.failing = true;
    expect(await code(sut.start('erasure', SUBJECT, 'hash'))).toBe(AdminErrorCode.Unavailable);
    const [state] = store.states.values();
    expect(state.job).toMatchObject({ status: 'failed', subjectJid: null });
  });

  it('applies a result once: a redelivered or duplicate one changes nothing', async () => {
    const job = await sut.start('export', SUBJECT, 'hash');
    expect(await sut.handleResult(collect(job.id, 'accounts', 1))).toBe('applied');
    expect(await sut.handleResult(collect(job.id, 'accounts', 7))).toBe('not-pending');
    const view = await sut.get(job.id);
    expect(view.services.accounts).toEqual({
      status: 'completed',
      records: 1,
      datasets: [{ name: 'account', rows: 1 }],
    });
    expect(view.status).toBe('running');
  });

  it('ignores results of unknown jobs, unknown services and the wrong kind', async () => {
    const job = await sut.start('export', SUBJECT, 'hash');
    expect(await sut.handleResult(collect(randomUUID(), 'accounts', 1))).toBe('unknown-job');
    expect(await sut.handleResult(collect(job.id, 'pubsub', 1))).toBe('unknown-service');
    expect(await sut.handleResult(forget(job.id, 'accounts', 1))).toBe('wrong-kind');
    expect((await sut.get(job.id)).services.accounts.status).toBe('pending');
  });

  it('never completes an export while a service has not answered', async () => {
    const job = await sut.start('export', SUBJECT, 'hash');
    await sut.handleResult(collect(job.id, 'roster', 3));
    await sut.settled();
    expect(archives.built).toEqual([]);
    expect((await sut.get(job.id)).status).toBe('running');
  });

  it('completes an export once every service answered and the archive is written', async () => {
    const job = await sut.start('export', SUBJECT, 'hash');
    await sut.handleResult(collect(job.id, 'accounts', 1));
    await sut.handleResult(collect(job.id, 'roster', 3, 2));
    await sut.settled();

    expect(archives.built.map((b) => b.jobId)).toEqual([job.id]);
    // The builder gets each service's log lines with its datasets.
    expect(archives.built[0].logs).toEqual({
      accounts: null,
      roster: { lines: 2, object: collectedLogObjectName(job.id, 'roster') },
    });
    expect(archives.built[0].announced.get('roster')).toEqual([
      { name: 'roster', columns: ['jid'] },
    ]);
    expect(archives.discarded.sort()).toEqual(
      [
        objectOf(job.id, 'accounts'),
        collectedLogObjectName(job.id, 'roster'),
        objectOf(job.id, 'roster'),
      ].sort(),
    );
    const view = await sut.get(job.id);
    expect(view.status).toBe('completed');
    expect(view.finishedAt).not.toBeNull();
    expect(view.services.roster.records).toBe(3);
    // Only the keyed hash outlives the job.
    expect(store.states.get(job.id)!.job).toMatchObject({ subjectJid: null, subjectHash: 'hash' });
  });

  it('fails an export whose archive cannot be written, saying why', async () => {
    archives.failing = true;
    const job = await sut.start('export', SUBJECT, 'hash');
    await sut.handleResult(collect(job.id, 'accounts', 1));
    await sut.handleResult(collect(job.id, 'roster', 1));
    await sut.settled();
    const view = await sut.get(job.id);
    expect(view).toMatchObject({
      status: 'failed',
      error: 'the archive could not be written: disk full',
    });
    expect(archives.discarded).toHaveLength(2);
  });

  it('completes an erasure when every service answered, with what was deleted and kept', async () => {
    const job = await sut.start('erasure', SUBJECT, 'hash');
    expect(publisher.published.map((p) => p.request.kind)).toEqual(['forget', 'forget']);
    expect(archives.followed).toEqual([]);
    await sut.handleResult(forget(job.id, 'accounts', 1));
    expect((await sut.get(job.id)).status).toBe('running');
    await sut.handleResult(forget(job.id, 'roster', 4, 2));
    const view = await sut.get(job.id);
    expect(view.status).toBe('completed');
    expect(view.services.roster).toEqual({
      status: 'completed',
      records: 4,
      datasets: [{ name: 'roster', deleted: 4, kept: 2, keptReason: 'shared' }],
    });
    expect(archives.built).toEqual([]);
  });

  it('fails a job past its deadline, naming the services that did not answer', async () => {
    const job = await sut.start('export', SUBJECT, 'hash');
    await sut.handleResult(collect(job.id, 'accounts', 1));

    await sut.checkDeadlines(new Date(Date.parse(job.createdAt) + DEADLINE_MS - 1));
    expect((await sut.get(job.id)).status).toBe('running');

    await sut.checkDeadlines(new Date(Date.parse(job.createdAt) + DEADLINE_MS));
    const view = await sut.get(job.id);
    expect(view.status).toBe('failed');
    expect(view.error).toBe(`no answer from: roster (waiting since ${job.createdAt})`);
    expect(view.services.roster).toMatchObject({ status: 'failed', waitingSince: job.createdAt });
    expect(view.services.accounts.status).toBe('completed');
    // What was collected is not kept once the job failed.
    expect(archives.discarded).toEqual([objectOf(job.id, 'accounts')]);

    // A late answer changes nothing, and its rows and log lines are discarded too.
    expect(await sut.handleResult(collect(job.id, 'roster', 2, 1))).toBe('not-pending');
    expect((await sut.get(job.id)).status).toBe('failed');
    expect(archives.discarded).toContain(objectOf(job.id, 'roster'));
    expect(archives.discarded).toContain(collectedLogObjectName(job.id, 'roster'));

    // A result naming objects that are not its own for this job gets none of them deleted.
    const other = randomUUID();
    const foreign: GdprResult = {
      kind: 'collect',
      jobId: job.id,
      service: 'roster',
      datasets: [{ name: 'roster', rows: 1, object: objectOf(other, 'roster') }],
      logs: { lines: 1, object: collectedLogObjectName(other, 'accounts') },
    };
    const before = archives.discarded.length;
    expect(await sut.handleResult(foreign)).toBe('not-pending');
    expect(archives.discarded).toHaveLength(before);
    await sut.settled();
    expect(archives.built).toEqual([]);
  });

  it('resumes after a restart: asks pending services again and writes missing archives', async () => {
    const waiting = await sut.start('erasure', SUBJECT, 'hash');
    await sut.handleResult(forget(waiting.id, 'accounts', 1));
    const answered = await sut.start('export', 'bob@example.org', 'hash2');
    // Both results arrived, but the process stopped before writing the archive.
    for (const service of ['accounts', 'roster']) {
      await store.update(answered.id, (state) => ({
        state: {
          ...state,
          services: state.services.map((s) =>
            s.service === service ? { ...s, status: 'completed' as const, datasets: [] } : s,
          ),
        },
        result: null,
      }));
    }
    publisher.published.length = 0;

    const restarted = new JobsService(store, registry, publisher, archives, new JobEvents(), {
      GDPR_JOB_DEADLINE_MS: DEADLINE_MS,
    });
    await restarted.resume();
    await restarted.settled();

    expect(publisher.published).toEqual([
      { service: 'roster', request: { jobId: waiting.id, kind: 'forget', subject: SUBJECT } },
    ]);
    expect(archives.built.map((b) => b.jobId)).toEqual([answered.id]);
    expect((await restarted.get(answered.id)).status).toBe('completed');
  });

  it('watches a job: now, after each change, and ends after it finished', async () => {
    const job = await sut.start('erasure', SUBJECT, 'hash');
    const seen: string[] = [];
    const watching = (async () => {
      for await (const view of sut.watch(job.id, 50)) {
        seen.push(
          `${view.status}:${Object.values(view.services).filter((s) => s.status === 'completed').length}`,
        );
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await sut.handleResult(forget(job.id, 'accounts', 1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await sut.handleResult(forget(job.id, 'roster', 1));
    await watching;
    expect(seen).toEqual(['running:0', 'running:1', 'completed:2']);
  });

  it('stopping finishes the archive being written and starts none: the next start does', async () => {
    const first = await sut.start('export', SUBJECT, 'hash');
    const second = await sut.start('export', 'bob@example.org', 'hash-b');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const build = archives.build.bind(archives);
    archives.build = async (state, announced) => {
      await gate;
      await build(state, announced);
    };
    for (const service of ['accounts', 'roster']) {
      await sut.handleResult(collect(first.id, service, 1));
    }

    let stopped = false;
    const stopping = sut.beforeApplicationShutdown().then(() => (stopped = true));
    // Answers that come while it stops are kept, but their archive is left for the next start.
    for (const service of ['accounts', 'roster']) {
      await sut.handleResult(collect(second.id, service, 1));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;

    expect(archives.built.map((b) => b.jobId)).toEqual([first.id]);
    expect((await sut.get(first.id)).status).toBe('completed');
    expect((await sut.get(second.id)).status).toBe('running');
    const restarted = new JobsService(store, registry, publisher, archives, new JobEvents(), {
      GDPR_JOB_DEADLINE_MS: DEADLINE_MS,
    });
    await restarted.resume();
    await restarted.settled();
    expect(archives.built.map((b) => b.jobId)).toEqual([first.id, second.id]);
    expect((await restarted.get(second.id)).status).toBe('completed');
  });

  it('answers NotFound for unknown and malformed job ids', async () => {
    expect(await code(sut.get(randomUUID()))).toBe(AdminErrorCode.NotFound);
    expect(await code(sut.get('not-a-uuid'))).toBe(AdminErrorCode.NotFound);
  });
});
