import { Inject, Injectable, Logger } from '@nestjs/common';
import { ExportArchives } from '../archive/export-archives';
import { AuditRepository, type AuditAction, type AuditEntry } from '../audit/audit.repository';
import { errorName } from '../bus/error-text';
import { GdprRequestsService } from '../jobs/gdpr-requests.service';
import type { JobView } from '../jobs/job-view';
import { JobsService } from '../jobs/jobs.service';
import { RegistrationService } from '../registration/registration.service';
import { RegistryService, type RegisteredService } from '../registry/registry.service';
import { SubjectHasher } from '../registration/subject-hash';
import { AdminErrorCode, AdminException } from './admin.exception';

export type { JobKind, JobStatus, JobView, ServiceProgress } from '../jobs/job-view';
export { AdminErrorCode, AdminException } from './admin.exception';

// What the facade needs from its collaborators, so unit tests can hand in small fakes.
export type Registration = Pick<RegistrationService, 'register' | 'registerIdentified'>;
export type Requests = Pick<GdprRequestsService, 'startExport' | 'startErasure' | 'hashOf'>;
export type JobReader = Pick<JobsService, 'get' | 'list' | 'watch'>;
export type ArchiveReader = Pick<ExportArchives, 'open'>;
export type AuditLog = Pick<AuditRepository, 'insert'>;

/** Actor recorded when a transport does not name the credential it authenticated. */
const UNNAMED_ACTOR = 'unnamed';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every admin operation, as HTTP, gRPC and the CLI see them; each call is audited, success or
 * failure. `actor` is a pseudonymous label of the credential used (e.g. `http:` + the first 12
 * hex digits of the token's SHA-256), never a person's identity.
 */
@Injectable()
export class AdminService {
  private readonly logger = new Logger('admin');

  constructor(
    @Inject(RegistrationService) private readonly registration: Registration,
    @Inject(GdprRequestsService) private readonly requests: Requests,
    @Inject(JobsService) private readonly jobs: JobReader,
    @Inject(ExportArchives) private readonly archives: ArchiveReader,
    @Inject(AuditRepository) private readonly audit: AuditLog,
    @Inject(SubjectHasher) private readonly hasher: SubjectHasher,
    @Inject(RegistryService)
    private readonly registry: Pick<RegistryService, 'list' | 'decommission'>,
  ) {}

  /** The services that hold personal data: every export and erasure waits for each of them. */
  listServices(actor = UNNAMED_ACTOR): Promise<RegisteredService[]> {
    return this.audited({ actor, action: 'list_services' }, () => this.registry.list());
  }

  /**
   * Takes a service out of the registry for good (it was removed from the platform, its data
   * erased or migrated): later jobs stop waiting for it. NotFound when it is not registered.
   */
  decommissionService(service: string, actor: string): Promise<void> {
    return this.audited({ actor, action: 'decommission_service' }, () =>
      this.registry.decommission(service),
    );
  }

  /** A new account with a random JID; the generated password is returned when none was given. */
  register(
    input: { domain?: string; password?: string },
    actor: string,
  ): Promise<{ jid: string; password?: string }> {
    return this.audited(
      { actor, action: 'register' },
      () => this.registration.register(input),
      (r) => ({
        subjectHash: this.hasher.hash(r.jid),
      }),
    );
  }

  registerIdentified(jid: string, password: string, actor: string): Promise<{ jid: string }> {
    return this.audited(
      { actor, action: 'register_identified', subjectHash: this.requests.hashOf(jid) },
      () => this.registration.registerIdentified(jid, password),
    );
  }

  startExport(jid: string, actor: string): Promise<JobView> {
    return this.audited(
      { actor, action: 'retrieve_personal_data', subjectHash: this.requests.hashOf(jid) },
      () => this.requests.startExport(jid),
      (job) => ({ jobId: job.id }),
    );
  }

  startErasure(jid: string, actor: string): Promise<JobView> {
    return this.audited(
      { actor, action: 'unregister', subjectHash: this.requests.hashOf(jid) },
      () => this.requests.startErasure(jid),
      (job) => ({ jobId: job.id }),
    );
  }

  getJob(id: string, actor = UNNAMED_ACTOR): Promise<JobView> {
    return this.audited({ actor, action: 'get_job', jobId: uuidOrNull(id) }, () =>
      this.jobs.get(id),
    );
  }

  /** Newest first, at most 100. */
  listJobs(actor = UNNAMED_ACTOR): Promise<JobView[]> {
    return this.audited({ actor, action: 'list_jobs' }, () => this.jobs.list());
  }

  /** Yields the job now and after every change; ends after a terminal status. */
  async *watchJob(id: string, actor = UNNAMED_ACTOR): AsyncGenerator<JobView> {
    const entry = { actor, action: 'watch_job' as const, jobId: uuidOrNull(id) };
    let started = false;
    try {
      for await (const view of this.jobs.watch(id)) {
        if (!started) {
          started = true;
          await this.record({ ...entry, outcome: 'ok' });
        }
        yield view;
      }
    } catch (error) {
      if (!started) {
        await this.record({ ...entry, outcome: outcomeOf(error) });
      }
      throw error;
    }
  }

  /** The archive of a completed export: NotFound for unknown or non-export jobs, NotReady before. */
  openArchive(id: string, actor = UNNAMED_ACTOR): Promise<NodeJS.ReadableStream> {
    return this.audited({ actor, action: 'download_archive', jobId: uuidOrNull(id) }, async () => {
      const job = await this.jobs.get(id);
      if (job.kind !== 'export') {
        throw new AdminException(AdminErrorCode.NotFound, 'no export job with this id');
      }
      if (job.status !== 'completed') {
        throw new AdminException(
          AdminErrorCode.NotReady,
          `the export is ${job.status}, not completed`,
        );
      }
      const archive = await this.archives.open(id);
      if (!archive) {
        throw new AdminException(
          AdminErrorCode.NotFound,
          'the archive has expired and was deleted',
        );
      }
      return archive;
    });
  }

  private async audited<T>(
    entry: {
      actor: string;
      action: AuditAction;
      jobId?: string | null;
      subjectHash?: string | null;
    },
    run: () => Promise<T>,
    learned?: (result: T) => Partial<Pick<AuditEntry, 'jobId' | 'subjectHash'>>,
  ): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await this.record({ ...entry, outcome: outcomeOf(error) });
      throw error;
    }
    await this.record({ ...entry, ...learned?.(result), outcome: 'ok' });
    return result;
  }

  // The action already happened: a failed audit write is reported loudly but does not undo it.
  private async record(
    entry: Omit<AuditEntry, 'jobId' | 'subjectHash'> & Partial<AuditEntry>,
  ): Promise<void> {
    try {
      await this.audit.insert({ jobId: null, subjectHash: null, ...entry });
    } catch (error) {
      this.logger.error(
        `the audit entry of ${entry.action} could not be written: ${errorName(error)}`,
      );
    }
  }
}

function outcomeOf(error: unknown): string {
  return error instanceof AdminException ? error.code : 'error';
}

function uuidOrNull(id: string): string | null {
  return UUID.test(id) ? id : null;
}
