import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { MESSAGES_STREAM, messageSubjects, messagesStreamConfig } from '@sotto/contracts';
import { NatsClient, ensureStream } from '@sotto/nats';
import { ARCHIVE_CONFIG, type ArchiveConfig } from '../config/archive.config';
import { BatchHandler } from './batch-handler';

/** The durable consumer every archive replica shares: each message is archived by one of them. */
export const ARCHIVE_CONSUMER = 'archive';

const NANOS_PER_MS = 1_000_000;
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
  private readonly batchSize: number;
  private readonly stopping = new AbortController();
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;
  private pending: JsMsg[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly handler: BatchHandler,
    @Inject(ARCHIVE_CONFIG) config: Pick<ArchiveConfig, 'ARCHIVE_BATCH_SIZE'>,
  ) {
    this.batchSize = config.ARCHIVE_BATCH_SIZE;
  }

  onApplicationBootstrap(): void {
    this.running ??= this.run();
  }

  // Before the NATS connection drains, so the batch being written can still be acknowledged.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close();
    await this.running;
    await this.flushing;
  }

  /** Consumes until stopped; after any failure, sets the consumer up again and resubscribes. */
  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        const messages = await this.subscribe();
        this.messages = messages;
        if (this.stopping.signal.aborted) {
          await messages.close();
        }
        attempt = 0;
        for await (const msg of messages) {
          this.add(msg);
        }
      } catch (error) {
        if (!this.stopping.signal.aborted) {
          this.logger.warn(`archive consumer failed (${errorName(error)}); subscribing again`);
        }
      }
      await sleep(Math.min(500 * 2 ** attempt, 30_000), this.stopping.signal);
    }
  }

  private async subscribe(): Promise<ConsumerMessages> {
    await ensureStream(this.nats.connection, messagesStreamConfig);
    const jsm = await jetstreamManager(this.nats.connection);
    const settings = {
      filter_subject: messageSubjects.accepted,
      ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
      // Room for the batch being written and the next one filling up.
      max_ack_pending: this.batchSize * 4,
    };
    try {
      await jsm.consumers.add(MESSAGES_STREAM, {
        durable_name: ARCHIVE_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...settings,
      });
    } catch (error) {
      // It exists with other settings (another batch size): bring it up to date.
      if (!(error instanceof JetStreamApiError)) {
        throw error;
      }
      await jsm.consumers.update(MESSAGES_STREAM, ARCHIVE_CONSUMER, settings);
    }
    const consumer = await jetstream(this.nats.connection).consumers.get(
      MESSAGES_STREAM,
      ARCHIVE_CONSUMER,
    );
    const messages = await consumer.consume({ max_messages: this.batchSize * 2 });
    this.watch(messages).catch((error: unknown) => {
      this.logger.warn(`archive consumer status watch failed (${errorName(error)})`);
    });
    return messages;
  }

  // The client keeps pulling from a deleted consumer for ever; closing makes `run` recreate it.
  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
        this.logger.warn(`consumer ${ARCHIVE_CONSUMER} is gone; recreating it`);
        await messages.close();
        return;
      }
    }
  }

  private add(msg: JsMsg): void {
    this.pending.push(msg);
    this.flushing ??= this.flush();
  }

  // One batch at a time; what arrives meanwhile makes the next batch.
  private async flush(): Promise<void> {
    // Let every message already read from the socket join this batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.length > 0) {
        await this.handler.handle(this.pending.splice(0, this.batchSize));
      }
    } catch (error) {
      // Unacknowledged messages are redelivered after ack_wait.
      this.logger.error(`archiving a batch failed (${errorName(error)})`);
    } finally {
      this.flushing = undefined;
      if (this.pending.length > 0) {
        this.flushing = this.flush();
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

// Only the error's type: driver messages may quote the data they failed on.
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
