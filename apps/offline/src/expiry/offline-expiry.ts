import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { OFFLINE_CONFIG, type OfflineConfig } from '../config/offline.config';
import { OfflineMessageRepository } from '../offline/offline-message.repository';

export type ExpiringRecords = Pick<
  OfflineMessageRepository,
  'deleteAcceptedBefore' | 'deleteExpiredLeases'
>;
export type ExpirySettings = Pick<OfflineConfig, 'OFFLINE_EXPIRY_DAYS'>;

const DAY_MS = 24 * 3600 * 1000;
const INTERVAL_MS = 10 * 60 * 1000;
// Small deletes, one after another: each holds its row locks for a moment only, so storing and
// delivery never wait long behind an expiry run.
const BATCH_SIZE = 500;

/** Deletes stored messages older than `OFFLINE_EXPIRY_DAYS`, at start and every ten minutes. */
@Injectable()
export class OfflineExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('offline-expiry');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(OfflineMessageRepository) private readonly records: ExpiringRecords,
    @Inject(OFFLINE_CONFIG) private readonly settings: ExpirySettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.OFFLINE_EXPIRY_DAYS === 0) {
      return;
    }
    this.tick();
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes everything that has expired at `now`, batch by batch; returns how many messages. */
  async expire(now = Date.now()): Promise<number> {
    // Leases left by a gateway that died mid-delivery hold a JID and nothing else of use.
    await this.records.deleteExpiredLeases();
    const days = this.settings.OFFLINE_EXPIRY_DAYS;
    if (days === 0) {
      return 0;
    }
    const cutoff = new Date(now - days * DAY_MS);
    let total = 0;
    while (!this.stopped) {
      const deleted = await this.records.deleteAcceptedBefore(cutoff, BATCH_SIZE);
      total += deleted;
      if (deleted < BATCH_SIZE) {
        break;
      }
    }
    return total;
  }

  // One run at a time: a slow run is not overtaken by the next tick.
  private tick(): void {
    if (this.running) {
      return;
    }
    this.running = this.expire()
      .then((count) => {
        if (count > 0) {
          this.logger.log(`${count} expired offline message(s) deleted`);
        }
      })
      .catch((error: unknown) => {
        this.logger.warn(
          `offline expiry failed, retried later: ${error instanceof Error ? error.name : typeof error}`,
        );
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
