import type { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { backoffMs, errorName, sleep } from './retry';

const NANOS_PER_MS = 1_000_000;

export interface DurableConsumerOptions {
  stream: string;
  /** The consumer's name, shared by every replica: each message goes to one of them. */
  durable: string;
  filterSubject: string;
  /** How long a message handed out may stay unacknowledged before it is handed out again. */
  ackWaitMs: number;
  /** Messages handed out and not yet acknowledged, across replicas. */
  maxAckPending: number;
  /** Messages the client pulls ahead of what it has taken. */
  pullAhead: number;
  /** Runs before each subscription (making sure the stream exists, say). */
  prepare?: () => Promise<unknown>;
  /** What the consumer is for, in log lines ("archive consumer"). */
  label: string;
}

/**
 * Runs a durable pull consumer until `stop()`. It creates the consumer when missing (delivering
 * everything the stream holds, so nothing sent while no replica ran is missed) or brings the
 * settings of an existing one up to date, and hands each message to `take`, in order, waiting
 * when `take` returns a promise (a limit on work in flight). After any failure it subscribes
 * again, waiting longer after each failure in a row; a consumer deleted under it is created again
 * (the client would otherwise keep pulling from it for ever). Settling the messages is `take`'s.
 */
export class DurableConsumer {
  private readonly stopping = new AbortController();
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;
  private markSubscribed!: () => void;
  private readonly firstSubscription = new Promise<void>(
    (resolve) => (this.markSubscribed = resolve),
  );

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: DurableConsumerOptions,
    private readonly take: (msg: JsMsg) => void | Promise<void>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** Starts in the background and returns at once. */
  start(): void {
    this.running ??= this.run();
  }

  /** Resolves once the consumer exists and is consumed (for tests and health checks). */
  subscribed(): Promise<void> {
    return this.firstSubscription;
  }

  /** Aborted once `stop()` was called: long work in `take` may give up on it. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Stops pulling; resolves once the loop has ended (`take` is not called again). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        const messages = await this.subscribe();
        this.messages = messages;
        if (this.stopping.signal.aborted) {
          await messages.close();
        }
        this.markSubscribed();
        attempt = 0;
        this.closeWhenGone(messages).catch((error: unknown) => {
          this.logger.warn(`${this.options.label} status watch failed (${errorName(error)})`);
        });
        for await (const msg of messages) {
          await this.take(msg);
        }
      } catch (error) {
        if (!this.stopping.signal.aborted) {
          this.logger.warn(`${this.options.label} failed (${errorName(error)}); subscribing again`);
        }
      }
      await sleep(backoffMs(attempt), this.stopping.signal);
    }
  }

  private async subscribe(): Promise<ConsumerMessages> {
    const { stream, durable, filterSubject, ackWaitMs, maxAckPending, pullAhead } = this.options;
    await this.options.prepare?.();
    const jsm = await jetstreamManager(this.nc);
    const settings = {
      filter_subject: filterSubject,
      ack_wait: ackWaitMs * NANOS_PER_MS,
      max_ack_pending: maxAckPending,
    };
    try {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...settings,
      });
    } catch (error) {
      // It exists with other settings (an older version of the service): bring it up to date.
      if (!(error instanceof JetStreamApiError)) {
        throw error;
      }
      await jsm.consumers.update(stream, durable, settings);
    }
    const consumer = await jetstream(this.nc).consumers.get(stream, durable);
    return consumer.consume({ max_messages: pullAhead });
  }

  private async closeWhenGone(messages: ConsumerMessages): Promise<void> {
    await closeWhenConsumerGone(messages, () =>
      this.logger.warn(`consumer ${this.options.durable} is gone; recreating it`),
    );
  }
}

/**
 * Closes `messages` once the server says its consumer was deleted or is missing: the client
 * would otherwise keep pulling from it for ever, and the caller's loop sets it up again.
 */
export async function closeWhenConsumerGone(
  messages: ConsumerMessages,
  onGone: () => void,
): Promise<void> {
  for await (const status of messages.status()) {
    if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
      onGone();
      await messages.close();
      return;
    }
  }
}

/**
 * Messages taken one by one, handled in batches: one batch at a time, in order, at most `size`
 * messages each; whatever arrives while a batch is handled makes the next, so a quiet service
 * handles each message at once and a busy one in large batches. `handle` settles the messages;
 * a failure it throws is logged, and its messages, unacknowledged, come again after the ack wait.
 */
export class MessageBatches {
  private readonly waiting: JsMsg[] = [];
  private handling: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly handle: (batch: JsMsg[]) => Promise<void>,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  add(msg: JsMsg): void {
    this.waiting.push(msg);
    this.handling ??= this.drain();
  }

  /**
   * For a service that is stopping: waits for the batch being handled, then hands what still
   * waits back to the server (a nak), so that another replica may get it before the ack wait.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.handling;
    for (const msg of this.waiting.splice(0)) {
      msg.nak();
    }
  }

  private async drain(): Promise<void> {
    // Let every message already read from the socket join this batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.waiting.length > 0 && !this.closed) {
        await this.handle(this.waiting.splice(0, this.size));
      }
    } catch (error) {
      this.onFailure(error);
    } finally {
      this.handling = undefined;
      if (this.waiting.length > 0 && !this.closed) {
        this.handling = this.drain();
      }
    }
  }
}
