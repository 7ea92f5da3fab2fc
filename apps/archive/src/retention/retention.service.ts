import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ArchiveRepository } from '../archive/archive.repository';
import { ARCHIVE_CONFIG, type ArchiveConfig } from '../config/archive.config';

const DAY_MS = 24 * 3600 * 1000;
/** Rows deleted per statement: each holds its row locks for a moment only. */
export const RETENTION_BATCH = 1000;
// A sweep soon after start, then hourly: the age limit is in days, an hour late is nothing.
const FIRST_SWEEP_MS = 60_000;
const SWEEP_EVERY_MS = 3600 * 1000;
// Between batches, so a long sweep leaves the database to the queries and the ingest.
const PAUSE_MS = 50;

export type ExpiringArchive = Pick<ArchiveRepository, 'deleteOlderThan'>;

/** Deletes messages older than ARCHIVE_RETENTION_DAYS, oldest first; off when it is 0. */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('archive-retention');
  private readonly days: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(ArchiveRepository) private readonly archive: ExpiringArchive,
    @Inject(ARCHIVE_CONFIG) config: Pick<ArchiveConfig, 'ARCHIVE_RETENTION_DAYS'>,
  ) {
    this.days = config.ARCHIVE_RETENTION_DAYS;
  }

  onApplicationBootstrap(): void {
    if (this.days > 0) {
      this.schedule(FIRST_SWEEP_MS);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Deletes every message older than the limit, in small batches; the number deleted. */
  async sweep(now = Date.now()): Promise<number> {
    const cutoff = new Date(now - this.days * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await this.archive.deleteOlderThan(cutoff, RETENTION_BATCH);
      total += deleted;
      if (deleted < RETENTION_BATCH || this.stopped) {
        return total;
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.sweep()
        .then((deleted) => {
          if (deleted > 0) {
            this.logger.log(`deleted ${deleted} message(s) past the retention period`);
          }
        })
        .catch((error: unknown) => {
          this.logger.error(
            `retention sweep failed (${error instanceof Error ? error.name : typeof error})`,
          );
        })
        .finally(() => {
          if (!this.stopped) {
            this.schedule(SWEEP_EVERY_MS);
          }
        });
    }, delayMs);
    this.timer.unref();
  }
}
