import {
  Inject,
  Injectable,
  Logger,
  Optional,
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
import { DATASET_TRANSFORMS, type DatasetTransforms } from './dataset-transform';
import { ExportTail, isChunkSource, type ChunkSource, type TailedDataset } from './export-tail';
import type { ObjectSource } from './object-source';
import { WorkerTransforms } from './worker-transforms';

const SWEEP_EVERY_MS = 10 * 60 * 1000;
const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/** The registered datasets of each service: where the CSV columns come from. */
export type AnnouncedDatasets = ReadonlyMap<string, readonly DatasetDescription[]>;

/** The objects the services wrote; with `ChunkSource`, also while they are being written. */
export type ArchiveObjects = ObjectSource & Partial<ChunkSource>;

/** A tail that was never used (its job failed, or another replica wrote the archive) stops then. */
const TAIL_GRACE_MS = 60_000;

/** Export archives on disk: written once a job's services answered, kept for a while, then deleted. */
@Injectable()
export class ExportArchives implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('archives');
  private readonly dir: string;
  private readonly retentionMs: number;
  private readonly transforms: DatasetTransforms;
  private readonly ownTransforms: WorkerTransforms | undefined;
  private readonly buildWhileCollecting: boolean;
  private readonly tails = new Map<string, { tail: ExportTail; expiry: NodeJS.Timeout }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GdprBus) private readonly objects: ArchiveObjects,
    @Inject(ORCHESTRATOR_CONFIG)
    config: Pick<
      OrchestratorConfig,
      'EXPORT_DIR' | 'EXPORT_RETENTION_HOURS' | 'EXPORT_BUILD_WHILE_COLLECTING'
    >,
    // Tests give the rows' transform; the service parses them on a worker thread of its own.
    @Optional() @Inject(DATASET_TRANSFORMS) transforms?: DatasetTransforms,
  ) {
    this.dir = resolve(config.EXPORT_DIR);
    this.retentionMs = config.EXPORT_RETENTION_HOURS * 3600 * 1000;
    this.buildWhileCollecting = config.EXPORT_BUILD_WHILE_COLLECTING;
    if (transforms === undefined) {
      this.ownTransforms = new WorkerTransforms();
      this.transforms = this.ownTransforms;
    } else {
      this.transforms = transforms;
    }
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

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.tails.keys()].map((jobId) => this.unfollow(jobId)));
    await this.ownTransforms?.close();
  }

  /**
   * Starts building an export's dataset files from the chunks the services write, before they
   * answer (`ExportTail`). Only an optimisation: `build` reads whatever the tail could not give.
   */
  async follow(jobId: string, until: Date, announced: AnnouncedDatasets): Promise<void> {
    if (!this.buildWhileCollecting || !isChunkSource(this.objects)) {
      return;
    }
    const datasets: TailedDataset[] = [...announced].flatMap(([service, described]) =>
      described.map((d) => ({ service, dataset: d.name, columns: d.columns })),
    );
    const tail = new ExportTail(
      jobId,
      datasets,
      join(this.dir, `${jobId}.tail`),
      this.transforms,
      this.objects,
    );
    await tail.start();
    const expiry = setTimeout(
      () => void this.unfollow(jobId),
      Math.max(0, until.getTime() - Date.now()) + TAIL_GRACE_MS,
    );
    expiry.unref();
    this.tails.set(jobId, { tail, expiry });
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
    const tail = this.tails.get(state.job.id)?.tail;
    let prebuilt = 0;
    const manifest = await buildArchive(input, this.objects, this.pathOf(state.job.id), {
      transforms: this.transforms,
      prebuilt: async (service, dataset) => {
        const written = await tail?.take(service, dataset.name, dataset.object, dataset.columns);
        prebuilt += written === undefined ? 0 : 1;
        return written;
      },
    }).finally(() => this.unfollow(state.job.id));
    const rows = Object.values(manifest.services)
      .flatMap((service) => service.datasets)
      .reduce((sum, dataset) => sum + dataset.rows, 0);
    this.logger.debug(
      `job ${state.job.id}: archive of ${rows} row(s) written in ` +
        `${Math.round(performance.now() - started)} ms (${prebuilt} dataset(s) built as collected)`,
    );
  }

  private async unfollow(jobId: string): Promise<void> {
    const following = this.tails.get(jobId);
    this.tails.delete(jobId);
    if (following !== undefined) {
      clearTimeout(following.expiry);
      if ((await following.tail.stop()) === 'abandoned') {
        this.logger.warn(`job ${jobId}: the export tail did not stop in time and was left`);
      }
    }
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
