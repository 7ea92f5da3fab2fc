import {
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
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { MESSAGES_STREAM, messageSubjects, messagesStreamConfig } from '@sotto/contracts';
import { NatsClient, ensureStream } from '@sotto/nats';
import { OfflineStorageService } from '../offline/offline-storage.service';
import { settleBatch } from './undelivered-batch';

const DURABLE = 'offline';
const NANOS_PER_MS = 1_000_000;
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
  private readonly js: JetStreamClient;
  private readonly stopping = new AbortController();
  private readonly buffer: JsMsg[] = [];
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly storage: OfflineStorageService,
  ) {
    this.js = jetstream(nats.connection);
  }

  onApplicationBootstrap(): void {
    this.running ??= this.run();
  }

  // Before the NATS connection drains, so the batch being written can still be acknowledged.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close();
    await this.running;
    await this.writing;
    // Not stored: handed back at once rather than after the ack wait.
    for (const msg of this.buffer.splice(0)) {
      msg.nak();
    }
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        const consumer = await this.ensureConsumer();
        const messages = await consumer.consume({ max_messages: BATCH_SIZE });
        this.messages = messages;
        if (this.stopping.signal.aborted) {
          await messages.close();
        }
        attempt = 0;
        this.watch(messages).catch((error: unknown) => {
          this.logger.warn(`offline consumer status watch failed (${errorName(error)})`);
        });
        for await (const msg of messages) {
          this.buffer.push(msg);
          this.write();
        }
      } catch (error) {
        this.logger.warn(`offline consumer failed (${errorName(error)}); subscribing again`);
      }
      await sleep(backoffMs(attempt), this.stopping.signal);
    }
  }

  // One batch written at a time, in stream order; whatever arrived meanwhile is the next batch.
  private write(): void {
    if (this.writing) {
      return;
    }
    this.writing = (async () => {
      while (this.buffer.length > 0 && !this.stopping.signal.aborted) {
        await settleBatch(this.buffer.splice(0, BATCH_SIZE), this.storage, this.logger);
      }
    })()
      .catch((error: unknown) => {
        // Settling itself failed (connection closed): the server redelivers after the ack wait.
        this.logger.error(`offline batch not settled (${errorName(error)})`);
      })
      .finally(() => {
        this.writing = undefined;
      });
  }

  private async ensureConsumer(): Promise<Consumer> {
    const jsm = await ensureStream(this.nats.connection, messagesStreamConfig);
    const settings = {
      filter_subject: messageSubjects.undelivered,
      ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
      max_ack_pending: MAX_ACK_PENDING,
    };
    try {
      await jsm.consumers.add(MESSAGES_STREAM, {
        durable_name: DURABLE,
        ack_policy: AckPolicy.Explicit,
        // A new consumer starts with everything the stream still holds: nothing is missed.
        deliver_policy: DeliverPolicy.All,
        ...settings,
      });
    } catch (error) {
      // It exists with other settings (an older version of this service): bring it up to date.
      if (!(error instanceof JetStreamApiError)) {
        throw error;
      }
      await jsm.consumers.update(MESSAGES_STREAM, DURABLE, settings);
    }
    return this.js.consumers.get(MESSAGES_STREAM, DURABLE);
  }

  // The client keeps pulling from a deleted consumer for ever; closing makes `run` recreate it.
  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
        this.logger.warn(`consumer ${DURABLE} is gone; recreating it`);
        await messages.close();
        return;
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
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

// 0.5 s, 1 s, 2 s … up to 30 s, jittered so that replicas do not retry in step.
function backoffMs(attempt: number): number {
  const ceiling = Math.min(500 * 2 ** attempt, 30_000);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

// Only the error's type: driver messages may quote the data they failed on.
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
