import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { INBOX_CONFIG, type InboxConfig } from '../config/inbox.config';
import { InboxRepository } from './inbox.repository';

const CLEAN_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Deletes binned conversations whose last message is older than `INBOX_BIN_TTL_DAYS`, hourly
 * (MongooseIM's `bin_ttl`). Every replica runs it; a delete twice over is harmless.
 */
@Injectable()
export class BinCleaner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('inbox-bin');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: InboxRepository,
    @Inject(INBOX_CONFIG) private readonly config: Pick<InboxConfig, 'INBOX_BIN_TTL_DAYS'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.clean(), CLEAN_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async clean(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.INBOX_BIN_TTL_DAYS * DAY_MS);
    try {
      const removed = await this.repository.deleteBinnedBefore(cutoff);
      this.logger.debug(`emptied ${removed} expired conversation(s) from bins`);
    } catch (error) {
      this.logger.warn(
        `emptying expired bins failed (${error instanceof Error ? error.name : typeof error})`,
      );
    }
  }
}
