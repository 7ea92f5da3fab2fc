import { Injectable } from '@nestjs/common';
import { DataSource, In, LessThanOrEqual, type EntityManager } from 'typeorm';
import { JobServiceEntity } from './job-service.entity';
import type { JobKind, JobRecord, JobServiceRecord, JobState } from './job-state';
import { JobEntity } from './job.entity';

export interface NewJob {
  kind: JobKind;
  subjectJid: string;
  subjectHash: string;
  services: string[];
  createdAt: Date;
  deadlineAt: Date;
}

/** What the jobs service needs from storage, so unit tests can hand in a fake. */
export type JobStore = Pick<
  JobsRepository,
  'create' | 'find' | 'list' | 'latest' | 'update' | 'overdue' | 'unfinished'
>;

/** The only code that touches `jobs` and `job_services`. */
@Injectable()
export class JobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A queued job with one pending row per service, in one transaction. */
  async create(input: NewJob): Promise<JobState> {
    return this.dataSource.transaction(async (manager) => {
      const job = await manager.save(
        manager.create(JobEntity, {
          kind: input.kind,
          status: 'queued',
          subjectJid: input.subjectJid,
          subjectHash: input.subjectHash,
          deadlineAt: input.deadlineAt,
          createdAt: input.createdAt,
          finishedAt: null,
          error: null,
        }),
      );
      const services = input.services.map((service) =>
        manager.create(JobServiceEntity, {
          jobId: job.id,
          service,
          status: 'pending',
          records: 0,
          waitingSince: input.createdAt,
          answeredAt: null,
          datasets: null,
          logs: null,
        }),
      );
      await manager.insert(JobServiceEntity, services);
      return { job, services };
    });
  }

  async find(id: string): Promise<JobState | null> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id });
    return job && { job, services: await servicesOf(this.dataSource.manager, [job.id]) };
  }

  /** The newest jobs first. */
  async list(limit: number): Promise<JobState[]> {
    const jobs = await this.dataSource
      .getRepository(JobEntity)
      .find({ order: { createdAt: 'DESC' }, take: limit });
    return withServices(this.dataSource.manager, jobs);
  }

  /** The newest job of a kind for a subject, by its keyed hash. */
  latest(kind: JobKind, subjectHash: string): Promise<JobRecord | null> {
    return this.dataSource
      .getRepository(JobEntity)
      .findOne({ where: { kind, subjectHash }, order: { createdAt: 'DESC' } });
  }

  /**
   * Runs one transition under a lock on the job's row, so that results, the deadline timer and
   * the archive builder never interleave on one job; writes back what `mutate` changed.
   * Returns null for an unknown job.
   */
  async update<T>(
    id: string,
    mutate: (state: JobState) => { state: JobState; result: T },
  ): Promise<{ state: JobState; result: T } | null> {
    return this.dataSource.transaction(async (manager) => {
      const job = await manager.findOne(JobEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!job) {
        return null;
      }
      const before: JobState = { job, services: await servicesOf(manager, [id]) };
      const after = mutate(before);
      await writeChanges(manager, before, after.state);
      return after;
    });
  }

  /** Ids of unfinished jobs past their deadline. */
  async overdue(now: Date): Promise<string[]> {
    const jobs = await this.dataSource.getRepository(JobEntity).find({
      select: { id: true },
      where: { status: In(['queued', 'running']), deadlineAt: LessThanOrEqual(now) },
    });
    return jobs.map((j) => j.id);
  }

  /** Every queued or running job, to resume after a restart. */
  async unfinished(): Promise<JobState[]> {
    const jobs = await this.dataSource
      .getRepository(JobEntity)
      .find({ where: { status: In(['queued', 'running']) }, order: { createdAt: 'ASC' } });
    return withServices(this.dataSource.manager, jobs);
  }
}

async function servicesOf(manager: EntityManager, jobIds: string[]): Promise<JobServiceEntity[]> {
  if (jobIds.length === 0) {
    return [];
  }
  return manager.find(JobServiceEntity, {
    where: { jobId: In(jobIds) },
    order: { service: 'ASC' },
  });
}

async function withServices(manager: EntityManager, jobs: JobEntity[]): Promise<JobState[]> {
  const services = await servicesOf(
    manager,
    jobs.map((j) => j.id),
  );
  return jobs.map((job) => ({ job, services: services.filter((s) => s.jobId === job.id) }));
}

async function writeChanges(
  manager: EntityManager,
  before: JobState,
  after: JobState,
): Promise<void> {
  if (after.job !== before.job) {
    const { id, ...columns } = after.job;
    await manager.update(JobEntity, { id }, columns satisfies Omit<JobRecord, 'id'>);
  }
  for (const service of after.services) {
    if (!before.services.includes(service)) {
      const { jobId, service: name, ...columns } = service;
      await manager.update(
        JobServiceEntity,
        { jobId, service: name },
        columns satisfies Omit<JobServiceRecord, 'jobId' | 'service'>,
      );
    }
  }
}
