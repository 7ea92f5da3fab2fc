import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { ChatMessageEvent, MESSAGES_STREAM, messagesStreamConfig } from '@sotto/contracts';
import {
  NatsClient,
  backoffMs,
  closeWhenConsumerGone,
  decodeJson,
  ensureStream,
  errorName,
  sleep,
} from '@sotto/nats';
import { INBOX_CONFIG, type InboxConfig } from '../config/inbox.config';
import { UnreadableEventError, inboxChangeOf, type PositionedChange } from './inbox-change';
import { InboxIngestService } from './inbox-ingest.service';
import { IngestLeaseRepository, type IngestLease } from './ingest-lease.repository';
import { INBOX_CONSUMER, prepareConsumer } from './messages-consumer';

// How often a replica without the lease asks for it again.
const LEASE_RETRY_MS = 2000;

class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * Writes the inboxes from the durable messages stream, in batches and in stream order: the
 * replica holding the ingest lease consumes `chat.accepted`, applies each batch in one
 * transaction and only then acknowledges it. A stopped service catches up when it starts.
 */
@Injectable()
export class MessagesIngester implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('inbox-ingest');
  private readonly stopping = new AbortController();
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly leases: IngestLeaseRepository,
    private readonly ingest: InboxIngestService,
    @Inject(INBOX_CONFIG)
    private readonly config: Pick<InboxConfig, 'INBOX_BATCH_SIZE' | 'INBOX_RESET_MARKERS'>,
  ) {}

  onApplicationBootstrap(): void {
    this.running ??= this.run();
  }

  // Before the NATS connection drains, so that the batch in progress can still be acknowledged.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      let lease: IngestLease | undefined;
      try {
        lease = await this.leases.tryAcquire();
        if (lease !== undefined) {
          await this.consume(lease);
          failures = 0;
        }
      } catch (error) {
        if (!signal.aborted) {
          failures++;
          this.logger.warn(`applying accepted messages stopped (${errorName(error)}); resuming`);
        }
      } finally {
        await lease?.release().catch((error: unknown) => {
          this.logger.warn(`ingest lease not released cleanly (${errorName(error)})`);
        });
      }
      await sleep(failures > 0 ? backoffMs(failures - 1) : LEASE_RETRY_MS, signal);
    }
  }

  /** Consumes as long as the lease holds and nothing fails. */
  private async consume(lease: IngestLease): Promise<void> {
    const connection = this.nats.connection;
    const batchSize = this.config.INBOX_BATCH_SIZE;
    const jsm = await ensureStream(connection, messagesStreamConfig);
    if ((await prepareConsumer(jsm, batchSize)) === 'rewound') {
      this.logger.log('messages handed out before were not acknowledged: consuming them again');
    }
    const consumer = await jetstream(connection).consumers.get(MESSAGES_STREAM, INBOX_CONSUMER);
    const messages = await consumer.consume({ max_messages: batchSize });
    this.messages = messages;
    if (this.stopping.signal.aborted) {
      await messages.close();
    }
    this.watch(messages).catch((error: unknown) => {
      this.logger.warn(`inbox consumer status watch failed (${errorName(error)})`);
    });
    let batch: JsMsg[] = [];
    for await (const msg of messages) {
      batch.push(msg);
      // A batch ends when it is full or nothing more is waiting in the stream.
      if (batch.length >= batchSize || msg.info.pending === 0) {
        await this.flush(batch, lease);
        batch = [];
      }
    }
  }

  /** Applies one batch (retrying until it succeeds) and acknowledges it. */
  private async flush(batch: JsMsg[], lease: IngestLease): Promise<void> {
    const changes: PositionedChange[] = [];
    const settled: JsMsg[] = [];
    for (const msg of batch) {
      const change = this.decode(msg);
      if (change !== 'invalid') {
        settled.push(msg);
        if (change !== undefined) {
          changes.push(change);
        }
      }
    }
    // Retried here rather than nak'ed: a redelivery would come after newer messages.
    for (let attempt = 0; ; attempt++) {
      if (!(await lease.alive())) {
        throw new LeaseLostError('the ingest lease was lost');
      }
      try {
        await this.ingest.apply(changes);
        break;
      } catch (error) {
        this.logger.error(
          `applying ${changes.length} accepted message(s) failed (${errorName(error)}); retrying`,
        );
        await sleep(backoffMs(attempt), this.stopping.signal);
        if (this.stopping.signal.aborted) {
          // Unacknowledged: the next lease holder applies them.
          throw error;
        }
      }
    }
    for (const msg of settled) {
      msg.ack();
    }
  }

  /** The event's change (undefined: it changes no inbox), or 'invalid' once terminated. */
  private decode(msg: JsMsg): PositionedChange | undefined | 'invalid' {
    const parsed = ChatMessageEvent.safeParse(decodeJson(msg.data));
    try {
      if (!parsed.success) {
        throw new UnreadableEventError();
      }
      const change = inboxChangeOf(parsed.data, this.config.INBOX_RESET_MARKERS);
      return change && { seq: msg.seq, eventId: parsed.data.id, change };
    } catch (error) {
      if (!(error instanceof UnreadableEventError)) {
        throw error;
      }
      // Redelivering it would fail the same way for ever.
      msg.term();
      this.logger.warn(`terminated an invalid accepted message (stream sequence ${msg.seq})`);
      return 'invalid';
    }
  }

  // The client keeps pulling from a deleted consumer; closing makes the loop prepare it again.
  private async watch(messages: ConsumerMessages): Promise<void> {
    await closeWhenConsumerGone(messages, () =>
      this.logger.warn(`inbox consumer ${INBOX_CONSUMER} is gone; recreating it`),
    );
  }
}
