import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ArchiveRepository } from '../archive/archive.repository';

const DAY_MS = 24 * 3600 * 1000;
/** About this many rows per statement: each rewrite is a short transaction. */
export const CLUSTER_BATCH = 5000;
// Hourly, so a restart never delays a day by much; a run finds work once per day only.
const FIRST_RUN_MS = 60_000;
const RUN_EVERY_MS = 3600 * 1000;
// Between batches, so a long run leaves the database to the queries and the ingest.
const PAUSE_MS = 20;

export type ClusterableArchive = Pick<ArchiveRepository, 'cluster'>;

/**
 * Keeps each owner's messages together on disk. Messages arrive interleaved with everyone
 * else's, so without this one owner's rows would each sit on a different page, and an erasure or
 * an export would read and write as many pages as the owner has messages. Once a UTC day is
 * over, its rows are rewritten grouped by owner (one short statement per batch of owners): an
 * owner's messages of a day then share a few pages, and the pages an erasure or an export touches
 * grow with the owner's own data, not with the server's.
 */
@Injectable()
export class ClusteringService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('archive-clustering');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(@Inject(ArchiveRepository) private readonly archive: ClusterableArchive) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_RUN_MS);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Clusters every message sent before the current UTC day; the number of rows rewritten. */
  async run(now = Date.now()): Promise<number> {
    const cutoff = new Date(Math.floor(now / DAY_MS) * DAY_MS);
    let total = 0;
    let after = '';
    while (!this.stopped) {
      const { moved, lastOwner } = await this.archive.cluster(cutoff, after, CLUSTER_BATCH);
      if (lastOwner === null) {
        break;
      }
      total += moved;
      after = lastOwner;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    return total;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.run()
        .then((moved) => {
          if (moved > 0) {
            this.logger.log(`clustered ${moved} archived message(s) by owner`);
          }
        })
        .catch((error: unknown) => {
          this.logger.error(
            `clustering the archive failed (${error instanceof Error ? error.name : typeof error})`,
          );
        })
        .finally(() => {
          if (!this.stopped) {
            this.schedule(RUN_EVERY_MS);
          }
        });
    }, delayMs);
    this.timer.unref();
  }
}
