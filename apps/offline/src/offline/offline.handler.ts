import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { NatsClient } from '@sotto/nats';
import { OfflineStorageService } from './offline-storage.service';

/** Serves `offline.fetch` and `offline.remove` to the gateways (queue group `offline`). */
@Injectable()
export class OfflineHandler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly storage: OfflineStorageService,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriptions = [
      this.nats.serve('offline.fetch', 'offline', ({ jid, max, lease }) =>
        this.storage.fetch(jid, max, lease),
      ),
      this.nats.serve('offline.remove', 'offline', async ({ jid, ids, release }) => ({
        removed: await this.storage.remove(jid, ids, release),
      })),
    ];
  }

  // Before the connection drains: requests in progress are answered, new ones go to replicas.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((subscription) => subscription.drain()));
  }
}
