import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DatasetDescription, GdprResult } from '@sotto/contracts';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { ExportArchives } from '../archive/export-archives';
import { GdprBus } from '../bus/gdpr-bus';
import { errorName, errorText } from '../bus/error-text';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator.config';
import { RegistryRepository } from '../registry/registry.repository';
import { JobEvents } from './job-events';
import {
  applyResult,
  awaitsArchive,
  collectedObjects,
  completeExport,
  failJob,
  failOverdue,
  isFinished,
  markRunning,
  pendingServices,
  requestKindOf,
  resultObjects,
  type JobKind,
  type JobServiceRecord,
  type JobStatus,
  type JobState,
  type ResultOutcome,
} from './job-state';
import { toJobView, type JobView } from './job-view';
import { JobsRepository, type JobStore } from './jobs.repository';

// What the service needs from its collaborators, so unit tests can hand in small fakes.
export type ServiceRegistry = Pick<RegistryRepository, 'list'>;
export type RequestPublisher = Pick<GdprBus, 'publishRequest'>;
export type Archives = Pick<ExportArchives, 'build' | 'discard' | 'follow'>;

const DEADLINE_CHECK_MS = 1000;
const LIST_LIMIT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * GDPR jobs from start to end: fan-out of the requests to every registered service, results
 * applied once each, the archive of an export, the deadline, and resuming after a restart.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly deadlineMs: number;
  private readonly assembling = new Map<string, Promise<void>>();
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlinePass: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(JobsRepository) private readonly store: JobStore,
    @Inject(RegistryRepository) private readonly registry: ServiceRegistry,
    @Inject(GdprBus) private readonly publisher: RequestPublisher,
    @Inject(ExportArchives) private readonly archives: Archives,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(ORCHESTRATOR_CONFIG) config: Pick<OrchestratorConfig, 'GDPR_JOB_DEADLINE_MS'>,
  ) {
    this.deadlineMs = config.GDPR_JOB_DEADLINE_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.resume();
    this.deadlineTimer = setInterval(() => this.tick(), DEADLINE_CHECK_MS);
  }

  /**
   * Before any module closes the database or the bus (their `onApplicationShutdown` may come
   * before ours): the archives being written are finished, and no new one is started, since an
   * archive cut short by a closing connection would fail its job. The next start writes those
   * left (`resume`).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.deadlineTimer);
    await this.deadlinePass;
    await this.settled();
  }

  /**
   * Starts a job for a prepared bare JID: one request per service of the registry as it is now.
   * Refused while no service ever announced itself: the job would finish with nothing in it.
   */
  async start(kind: JobKind, subjectJid: string, subjectHash: string): Promise<JobView> {
    const services = await this.registeredServices();
    const createdAt = new Date();
    const created = await this.store.create({
      kind,
      subjectJid,
      subjectHash,
      services,
      createdAt,
      deadlineAt: new Date(createdAt.getTime() + this.deadlineMs),
    });
    const jobId = created.job.id;
    if (kind === 'export') {
      await this.followExport(created);
    }
    try {
      await this.publish(created, created.services);
    } catch (error) {
      this.logger.error(`job ${jobId}: the requests could not be published: ${errorText(error)}`);
      await this.transition(jobId, (s) => failJob(s, 'the requests could not be sent', new Date()));
      throw new AdminException(
        AdminErrorCode.Unavailable,
        `the message bus did not take the requests; job ${jobId} failed`,
      );
    }
    const running = await this.transition(jobId, markRunning);
    return toJobView(running ?? created);
  }

  // The archive starts on the rows while they are collected; without that (the bus refused a
  // consumer) it is written the usual way once every service answered, only later.
  private async followExport(state: JobState): Promise<void> {
    try {
      await this.archives.follow(state.job.id, state.job.deadlineAt, await this.announced());
    } catch (error) {
      this.logger.warn(
        `job ${state.job.id}: rows will be read once collected: ${errorName(error)}`,
      );
    }
  }

  private async announced(): Promise<Map<string, DatasetDescription[]>> {
    return new Map((await this.registry.list()).map((s) => [s.service, s.datasets]));
  }

  /** The services a job would ask now; Unavailable while none ever announced itself. */
  async registeredServices(): Promise<string[]> {
    const services = (await this.registry.list()).map((s) => s.service);
    if (services.length === 0) {
      throw new AdminException(
        AdminErrorCode.Unavailable,
        'no service has announced its personal data yet; start the services first',
      );
    }
    return services;
  }

  /** The status of the newest job of a kind for a subject, if any. */
  async latestStatus(kind: JobKind, subjectHash: string): Promise<JobStatus | null> {
    return (await this.store.latest(kind, subjectHash))?.status ?? null;
  }

  async get(id: string): Promise<JobView> {
    return toJobView(await this.find(id));
  }

  async list(): Promise<JobView[]> {
    return (await this.store.list(LIST_LIMIT)).map(toJobView);
  }

  /** The job now and after every change; ends after it finished. */
  async *watch(id: string, pollMs = 2000): AsyncGenerator<JobView> {
    let last = '';
    for (;;) {
      // Listen before reading, so a change between the read and the wait is not missed.
      const next = this.events.next(id, pollMs);
      try {
        const state = await this.find(id);
        const view = toJobView(state);
        const text = JSON.stringify(view);
        if (text !== last) {
          last = text;
          yield view;
        }
        if (isFinished(state)) {
          return;
        }
        await next.changed;
      } finally {
        next.cancel();
      }
    }
  }

  /** Applies one service's result; duplicates and late answers change nothing. */
  async handleResult(result: GdprResult): Promise<ResultOutcome | 'unknown-job'> {
    const updated = await this.store.update(result.jobId, (state) => {
      const applied = applyResult(state, result, new Date());
      return { state: applied.state, result: applied.outcome };
    });
    if (!updated) {
      return 'unknown-job';
    }
    if (updated.result === 'applied') {
      this.changed(updated.state);
    } else if (result.kind === 'collect' && isFinished(updated.state)) {
      // A late collect for a finished job: its rows must not linger in the object store.
      await this.archives.discard(resultObjects(result));
    }
    return updated.result;
  }

  /** Fails every job past its deadline that still waits for a service. */
  async checkDeadlines(now = new Date()): Promise<void> {
    for (const id of await this.store.overdue(now)) {
      const state = await this.transition(id, (s) => failOverdue(s, now));
      if (state?.job.status === 'failed') {
        await this.archives.discard(collectedObjects(state));
      }
    }
  }

  /**
   * After a restart: asks the services still pending again (the msgID dedupes within the stream's
   * window and services are idempotent anyway) and writes the archives that were not written.
   */
  async resume(): Promise<void> {
    for (const unfinished of await this.store.unfinished()) {
      const pending = pendingServices(unfinished);
      try {
        await this.publish(unfinished, pending);
      } catch (error) {
        // The deadline still applies: the job fails loudly if the bus stays away.
        this.logger.error(`job ${unfinished.job.id}: re-publishing failed: ${errorText(error)}`);
      }
      const state = (await this.transition(unfinished.job.id, markRunning)) ?? unfinished;
      this.followUp(state);
    }
  }

  /** Waits for the archives being written (tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.assembling.values());
  }

  private async find(id: string): Promise<JobState> {
    const state = UUID.test(id) ? await this.store.find(id) : null;
    if (!state) {
      throw new AdminException(AdminErrorCode.NotFound, 'no such job');
    }
    return state;
  }

  private async publish(state: JobState, services: JobServiceRecord[]): Promise<void> {
    const subject = state.job.subjectJid;
    if (subject === null) {
      return;
    }
    const kind = requestKindOf(state.job.kind);
    for (const { service } of services) {
      await this.publisher.publishRequest(service, { jobId: state.job.id, kind, subject });
    }
  }

  // Runs a pure transition under the job's row lock; announces and follows up what changed.
  private async transition(
    id: string,
    step: (state: JobState) => JobState,
  ): Promise<JobState | null> {
    const updated = await this.store.update(id, (state) => {
      const next = step(state);
      return { state: next, result: next !== state };
    });
    if (updated?.result) {
      this.changed(updated.state);
    }
    return updated?.state ?? null;
  }

  private changed(state: JobState): void {
    this.events.changed(state.job.id);
    this.followUp(state);
  }

  // An export whose services all answered gets its archive, once per process at a time.
  private followUp(state: JobState): void {
    if (awaitsArchive(state) && !this.assembling.has(state.job.id) && !this.stopping) {
      const work = this.assemble(state.job.id).finally(() => this.assembling.delete(state.job.id));
      this.assembling.set(state.job.id, work);
    }
  }

  private async assemble(jobId: string): Promise<void> {
    let state: JobState | null = null;
    try {
      state = await this.store.find(jobId);
      if (!state || !awaitsArchive(state)) {
        return;
      }
      const started = performance.now();
      await this.archives.build(state, await this.announced());
      const built = performance.now();
      await this.transition(jobId, (s) => completeExport(s, new Date()));
      const completed = performance.now();
      await this.archives.discard(collectedObjects(state));
      this.logger.debug(
        `job ${jobId}: archive ${Math.round(built - started)} ms, completing ` +
          `${Math.round(completed - built)} ms, discarding the objects ` +
          `${Math.round(performance.now() - completed)} ms`,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // The messages name jobs, objects and files, never the subject.
      this.logger.error(`job ${jobId}: the archive could not be written: ${reason}`);
      const failed = await this.transition(jobId, (s) =>
        failJob(s, `the archive could not be written: ${reason}`, new Date()),
      ).catch(() => null);
      if (failed) {
        await this.archives.discard(collectedObjects(failed)).catch(() => undefined);
      }
    }
  }

  private tick(): void {
    // One pass at a time, however slow the database is.
    if (this.deadlinePass) {
      return;
    }
    this.deadlinePass = this.checkDeadlines()
      .catch((error: unknown) => {
        this.logger.error(`checking deadlines failed: ${errorName(error)}`);
      })
      .finally(() => {
        this.deadlinePass = undefined;
      });
  }
}
