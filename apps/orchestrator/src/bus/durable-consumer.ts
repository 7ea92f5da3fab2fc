import type { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { errorName, errorText } from './error-text';

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Messages handled at once; each is acknowledged by the handler. */
  maxInFlight: number;
}

const RETRY_AFTER_MS = 1000;

/**
 * Runs a durable pull consumer until `stop()`: creates it when missing (delivering everything the
 * stream holds), hands each message to `handle`, and subscribes again after any failure, so a
 * NATS restart or a deleted consumer only delays the work.
 */
export class DurableConsumer {
  private stopped = false;
  private close: (() => Promise<void>) | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: DurableConsumerOptions,
    private readonly handle: (msg: JsMsg) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.close?.();
    await Promise.allSettled(this.inFlight);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consumeOnce();
      } catch (error) {
        if (!this.stopped) {
          this.logger.error(
            `consumer ${this.options.durable} failed, subscribing again: ${errorText(error)}`,
          );
        }
      }
      if (!this.stopped) {
        await sleep(RETRY_AFTER_MS);
      }
    }
  }

  private async consumeOnce(): Promise<void> {
    await this.ensureConsumer();
    const consumer = await this.js.consumers.get(this.options.stream, this.options.durable);
    const messages = await consumer.consume({ max_messages: this.options.maxInFlight });
    this.close = async () => {
      await messages.close();
    };
    for await (const msg of messages) {
      // A cap on work in flight: wait for a slot before taking the next message.
      while (this.inFlight.size >= this.options.maxInFlight) {
        await Promise.race(this.inFlight);
      }
      const work = this.handle(msg).catch((error: unknown) => {
        this.logger.error(
          `handling a message of ${this.options.durable} failed: ${errorName(error)}`,
        );
        msg.nak(RETRY_AFTER_MS);
      });
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    }
  }

  private async ensureConsumer(): Promise<void> {
    const { stream, durable, filterSubject } = this.options;
    try {
      await this.jsm.consumers.info(stream, durable);
    } catch (error) {
      if (!(
        error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound
      )) {
        throw error;
      }
      await this.jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filterSubject,
        // A handler that writes to the database and acks takes well under this.
        ack_wait: 30_000_000_000,
        max_ack_pending: 1000,
      });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
