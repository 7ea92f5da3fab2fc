import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { MESSAGES_STREAM, messageSubjects, messagesStreamConfig } from '@sotto/contracts';
import { DurableConsumer, MessageBatches, NatsClient, ensureStream, errorName } from '@sotto/nats';
import { ARCHIVE_CONFIG, type ArchiveConfig } from '../config/archive.config';
import { BatchHandler } from './batch-handler';

/** The durable consumer every archive replica shares: each message is archived by one of them. */
export const ARCHIVE_CONSUMER = 'archive';

// A batch is written and acknowledged well within this; longer means the process is stuck.
const ACK_WAIT_MS = 30_000;

/**
 * Follows `chat.accepted` with the durable consumer `archive` and archives the messages in
 * batches: whatever arrived together (up to ARCHIVE_BATCH_SIZE) is written with one INSERT and
 * then acknowledged, so a quiet server archives at once and a busy one in large batches. A
 * stopped service resumes from the consumer where it left off; redeliveries are harmless.
 */
@Injectable()
export class ChatConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('archive-ingest');
  private readonly batches: MessageBatches;
  private readonly consumer: DurableConsumer;

  constructor(
    nats: NatsClient,
    handler: BatchHandler,
    @Inject(ARCHIVE_CONFIG) config: Pick<ArchiveConfig, 'ARCHIVE_BATCH_SIZE'>,
  ) {
    const batchSize = config.ARCHIVE_BATCH_SIZE;
    this.batches = new MessageBatches(
      batchSize,
      (batch) => handler.handle(batch),
      // Unacknowledged messages are redelivered after the ack wait.
      (error) => this.logger.error(`archiving a batch failed (${errorName(error)})`),
    );
    this.consumer = new DurableConsumer(
      nats.connection,
      {
        stream: MESSAGES_STREAM,
        durable: ARCHIVE_CONSUMER,
        filterSubject: messageSubjects.accepted,
        ackWaitMs: ACK_WAIT_MS,
        // Room for the batch being written and the next one filling up.
        maxAckPending: batchSize * 4,
        pullAhead: batchSize * 2,
        prepare: () => ensureStream(nats.connection, messagesStreamConfig),
        label: 'archive consumer',
      },
      (msg) => this.batches.add(msg),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  // Before the NATS connection drains, so the batch being written can still be acknowledged.
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.batches.close();
  }
}
