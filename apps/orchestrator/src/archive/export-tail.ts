import { createHash, type Hash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { objectDigest, type ChunkFollower, type StoredObjectInfo } from '@sotto/gdpr';
import { DatasetFiles, type WrittenDataset } from './dataset-files';
import type { DatasetTransforms } from './dataset-transform';

/** Where a tail reads: the exports bucket's chunks as they are written, and the objects' records. */
export interface ChunkSource {
  followChunks(prefix: string): Promise<ChunkFollower>;
  info(name: string): Promise<ObjectRecord | null>;
}

export type ObjectRecord = Pick<StoredObjectInfo, 'name' | 'nuid' | 'chunks' | 'size' | 'digest'>;

/** A dataset the tail builds files for, with the columns of its CSV. */
export interface TailedDataset {
  service: string;
  dataset: string;
  columns: readonly string[];
}

/** How long `take` waits without a new chunk before it lets the archive read the object again. */
const TAKE_STALL_MS = 2000;
/** How long `stop` waits for the consumer and the loop to end before it leaves them. */
const STOP_GRACE_MS = 5000;

/** One write of one dataset's object, followed chunk by chunk. */
class DatasetTail {
  readonly hash: Hash = createHash('sha256');
  chunks = 0;
  size = 0;
  failed = false;

  constructor(
    readonly nuid: string,
    readonly files: DatasetFiles,
  ) {}
}

/**
 * Builds an export's dataset files while the services are still writing their objects: a heavy
 * user's export then takes about as long as the slowest service's collect, instead of that plus
 * the archive's own work. It follows every chunk of the job (`collectedChunkPrefix`), and keeps
 * the files of each dataset's latest write. What it built is used only when it is exactly the
 * object the service ended up answering with (same write, chunk count, size and SHA-256);
 * otherwise the archive reads the object as usual. So a redelivered request, a restart or a
 * chunk this tail missed costs time, never correctness.
 */
export class ExportTail {
  private readonly datasets = new Map<string, DatasetTail>();
  private readonly wanted: Map<string, TailedDataset>;
  private readonly waiters = new Set<() => void>();
  private follower: ChunkFollower | undefined;
  private loop: Promise<void> | undefined;
  private parts = 0;
  private stopped = false;

  constructor(
    private readonly jobId: string,
    datasets: readonly TailedDataset[],
    private readonly dir: string,
    private readonly transforms: DatasetTransforms,
    private readonly source: ChunkSource,
    private readonly stopGraceMs = STOP_GRACE_MS,
  ) {
    this.wanted = new Map(datasets.map((d) => [`${d.service}.${d.dataset}`, d]));
  }

  async start(): Promise<void> {
    // Personal data: only the service user may read the parts.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.follower = await this.source.followChunks(this.jobId);
    this.loop = this.follow(this.follower);
  }

  /**
   * The dataset's files, when what this tail followed is the object `object` as it was written;
   * undefined otherwise. Waits for the tail to catch up with the object's last chunk, as long as
   * chunks keep coming.
   */
  async take(
    service: string,
    dataset: string,
    object: string,
    columns: readonly string[] | undefined,
  ): Promise<WrittenDataset | undefined> {
    const key = `${service}.${dataset}`;
    const wanted = this.wanted.get(key);
    // The CSV was written with the columns announced when the job started.
    if (wanted === undefined || !sameColumns(wanted.columns, columns)) {
      return undefined;
    }
    const info = await this.source.info(object);
    if (info === null || info.chunks === 0) {
      return undefined;
    }
    for (;;) {
      const tail = this.datasets.get(key);
      if (this.stopped || (tail?.nuid === info.nuid && tail.failed)) {
        return undefined;
      }
      // Until the tail reaches this write's last chunk (it may not have seen its first yet).
      if (tail?.nuid === info.nuid && tail.chunks >= info.chunks) {
        this.datasets.delete(key);
        if (
          tail.chunks !== info.chunks ||
          tail.size !== info.size ||
          !tail.hash.digest().equals(objectDigest(info))
        ) {
          tail.files.destroy();
          return undefined;
        }
        try {
          return await tail.files.finish();
        } catch {
          // A line that is not JSON, say: read again, the archive fails there, naming the line.
          tail.files.destroy();
          return undefined;
        }
      }
      if (!(await this.progress())) {
        return undefined;
      }
    }
  }

  /**
   * Stops following and drops what was not taken. The archive waits for this, so it never waits
   * long: if the consumer or the loop has not ended within the grace time, they are left to end
   * on their own (`'abandoned'`), and the parts directory is removed all the same.
   */
  async stop(): Promise<'stopped' | 'abandoned'> {
    this.stopped = true;
    // Dropped first: a chunk being pushed into one of these files stops waiting for it.
    for (const tail of this.datasets.values()) {
      tail.files.destroy();
    }
    this.datasets.clear();
    this.wake();
    // A consumer that closes with an error has stopped too.
    const ended = Promise.all([this.follower?.stop().catch(() => undefined), this.loop]).then(
      () => 'stopped' as const,
    );
    let grace: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ended,
      new Promise<'abandoned'>((resolve) => {
        grace = setTimeout(() => resolve('abandoned'), this.stopGraceMs);
      }),
    ]).finally(() => clearTimeout(grace));
    await rm(this.dir, { recursive: true, force: true });
    return outcome;
  }

  private async follow(follower: ChunkFollower): Promise<void> {
    try {
      for await (const { nuid, data } of follower.chunks) {
        if (this.stopped) {
          break;
        }
        // `<jobId>.<service>.<dataset>.<nuid of the write>`
        const [, service, dataset, write, extra] = nuid.split('.');
        const wanted = this.wanted.get(`${service}.${dataset}`);
        if (wanted === undefined || write === undefined || extra !== undefined) {
          continue;
        }
        const tail = this.tailOf(wanted, nuid);
        if (!tail.failed) {
          try {
            tail.hash.update(data);
            tail.size += data.byteLength;
            await tail.files.push(data);
            // Counted once pushed: `take` finishes the files when every chunk is counted.
            tail.chunks++;
          } catch {
            // As in `take`: the object is read again.
            tail.failed = true;
            tail.files.destroy();
          }
        }
        this.wake();
      }
    } catch {
      // The consumer ended (the bus went away): every dataset is read as usual instead.
    } finally {
      for (const tail of this.datasets.values()) {
        tail.failed = true;
      }
      this.wake();
    }
  }

  // A write under a new nuid (a redelivered request rewrote the object) replaces the old one.
  private tailOf(wanted: TailedDataset, nuid: string): DatasetTail {
    const key = `${wanted.service}.${wanted.dataset}`;
    const current = this.datasets.get(key);
    if (current?.nuid === nuid) {
      return current;
    }
    current?.files.destroy();
    const source = `${wanted.service}/${wanted.dataset}`;
    const files = new DatasetFiles(this.transforms, source, wanted.columns, () =>
      join(this.dir, `${this.parts++}.deflate`),
    );
    const tail = new DatasetTail(nuid, files);
    this.datasets.set(key, tail);
    return tail;
  }

  /** Resolves true on the next chunk, false when none came for a while. */
  private progress(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, TAKE_STALL_MS);
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) {
      waiter();
    }
  }
}

function sameColumns(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((column, i) => column === b[i]);
}

/** Whether `objects` can also be followed while they are written. */
export function isChunkSource(objects: object): objects is ChunkSource {
  return 'followChunks' in objects && 'info' in objects;
}
