import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { MESSAGES_STREAM, messageSubjects, messagesStreamConfig } from '@sotto/contracts';
import { DurableConsumer, MessageBatches, NatsClient, ensureStream, errorName } from '@sotto/nats';
import { OfflineStorageService } from '../offline/offline-storage.service';
import { settleBatch } from './undelivered-batch';

// Up to this many messages are stored with one INSERT; under load batches fill up by themselves,
// since messages arriving while one batch is written wait for the next.
const BATCH_SIZE = 200;
// Messages handed out and not yet acknowledged, across replicas: bounds what one process buffers.
const MAX_ACK_PENDING = 1000;
const ACK_WAIT_MS = 60_000;

/**
 * Feeds offline storage from the messages stream: the durable consumer `offline` of
 * `chat.undelivered`, taken in batches and acknowledged only once stored. A stopped service
 * finds what was sent meanwhile waiting in the stream; after any failure it subscribes again.
 */
@Injectable()
export class UndeliveredConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('offline-intake');
  private readonly batches: MessageBatches;
  private readonly consumer: DurableConsumer;

  constructor(nats: NatsClient, storage: OfflineStorageService) {
    this.batches = new MessageBatches(
      BATCH_SIZE,
      (batch) => settleBatch(batch, storage, this.logger),
      // Settling itself failed (connection closed): the server redelivers after the ack wait.
      (error) => this.logger.error(`offline batch not settled (${errorName(error)})`),
    );
    this.consumer = new DurableConsumer(
      nats.connection,
      {
        stream: MESSAGES_STREAM,
        durable: 'offline',
        filterSubject: messageSubjects.undelivered,
        ackWaitMs: ACK_WAIT_MS,
        maxAckPending: MAX_ACK_PENDING,
        pullAhead: BATCH_SIZE,
        prepare: () => ensureStream(nats.connection, messagesStreamConfig),
        label: 'offline consumer',
      },
      (msg) => this.batches.add(msg),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  // Before the NATS connection drains, so the batch being written can still be acknowledged;
  // what was taken and not stored is handed back at once rather than after the ack wait.
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.batches.close();
  }
}
