import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NatsClient } from '@sotto/nats';
import { LastItemsService } from './last-items.service';

/** Consumes `pep.interest` (one pubsub replica per event, queue group `pubsub`). */
@Injectable()
export class PepInterestListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('pep-interest');
  private subscription?: ReturnType<NatsClient['subscribe']>;

  constructor(
    private readonly nats: NatsClient,
    @Inject(LastItemsService) private readonly lastItems: LastItemsService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.subscribe(
      'pep.interest',
      async ({ jid, nodes }) => {
        try {
          await this.lastItems.sendTo(jid, nodes);
        } catch (error) {
          // Core NATS: the event is gone; the resource gets the next items as they are published.
          this.logger.warn(
            `last PEP items not sent: ${error instanceof Error ? error.name : 'error'}`,
          );
        }
      },
      { queue: 'pubsub' },
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
