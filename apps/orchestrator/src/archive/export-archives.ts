import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { DatasetDescription } from '@sotto/contracts';
import { GdprBus } from '../bus/gdpr-bus';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator.config';
import { collectedDatasets, isOwnObject, type JobState } from '../jobs/job-state';
import { buildArchive, type ArchiveInput } from './archive-builder';
import type { ObjectSource } from './object-source';

const SWEEP_EVERY_MS = 10 * 60 * 1000;
const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/** The registered datasets of each service: where the CSV columns come from. */
export type AnnouncedDatasets = ReadonlyMap<string, readonly DatasetDescription[]>;

/** Export archives on disk: written once a job's services answered, kept for a while, then deleted. */
@Injectable()
export class ExportArchives implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('archives');
  private readonly dir: string;
  private readonly retentionMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GdprBus) private readonly objects: ObjectSource,
    @Inject(ORCHESTRATOR_CONFIG)
    config: Pick<OrchestratorConfig, 'EXPORT_DIR' | 'EXPORT_RETENTION_HOURS'>,
  ) {
    this.dir = resolve(config.EXPORT_DIR);
    this.retentionMs = config.EXPORT_RETENTION_HOURS * 3600 * 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Archives hold personal data: only the service user may read the directory.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.sweep();
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => {
        this.logger.error(`deleting old archives failed: ${String(error)}`);
      });
    }, SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Writes the archive of an export whose services all answered. */
  async build(state: JobState, announced: AnnouncedDatasets): Promise<void> {
    const started = performance.now();
    if (state.job.subjectJid === null) {
      throw new Error(`job ${state.job.id} no longer knows its subject`);
    }
    checkObjectNames(state);
    const input: ArchiveInput = {
      subject: state.job.subjectJid,
      createdAt: new Date(),
      services: state.services.map((service) => ({
        name: service.service,
        status: service.status,
        datasets: collectedDatasets({ ...state, services: [service] }).map((dataset) => ({
          name: dataset.name,
          object: dataset.object,
          columns: announced.get(service.service)?.find((d) => d.name === dataset.name)?.columns,
        })),
        ...(service.logs ? { logs: { object: service.logs.object } } : {}),
      })),
    };
    const manifest = await buildArchive(input, this.objects, this.pathOf(state.job.id));
    const rows = Object.values(manifest.services)
      .flatMap((service) => service.datasets)
      .reduce((sum, dataset) => sum + dataset.rows, 0);
    this.logger.debug(
      `job ${state.job.id}: archive of ${rows} row(s) written in ${Math.round(performance.now() - started)} ms`,
    );
  }

  /** Deletes collected rows and log lines from the object store once archived, or not needed. */
  async discard(objects: readonly string[]): Promise<void> {
    await Promise.all(objects.map((object) => this.objects.delete(object)));
  }

  /** The archive as a stream, or null when it is not on disk (never written, or expired). */
  async open(jobId: string): Promise<Readable | null> {
    try {
      const handle = await open(this.pathOf(jobId), 'r');
      // Large reads: a 20 MiB archive in 64 KiB pieces (the default) takes several times longer.
      return handle.createReadStream({ highWaterMark: DOWNLOAD_CHUNK_BYTES });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
  }

  /** Deletes everything in the export directory older than the retention time. */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > this.retentionMs) {
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    }
    if (removed > 0) {
      this.logger.log(`deleted ${removed} expired export file(s)`);
    }
    return removed;
  }

  private pathOf(jobId: string): string {
    // Job ids are uuids the database made: safe as file names.
    return join(this.dir, `${jobId}.zip`);
  }
}

/**
 * A service names the objects it wrote; only the names the contract gives them for this job may
 * go into its archive, so that no answer can copy another job's or another service's data in.
 */
function checkObjectNames(state: JobState): void {
  for (const service of state.services) {
    for (const dataset of collectedDatasets({ ...state, services: [service] })) {
      if (!isOwnObject(state.job.id, service.service, dataset.object, dataset.name)) {
        throw new Error(
          `${service.service} named the object ${dataset.object} for ${dataset.name}`,
        );
      }
    }
    const logs = service.logs?.object;
    if (logs !== undefined && !isOwnObject(state.job.id, service.service, logs)) {
      throw new Error(`${service.service} named the object ${logs} for its log lines`);
    }
  }
}
