import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NatsClient } from './nats-client';

const POLL_MS = 50;

/** The figures of a durable consumer that tell whether it has caught up. */
export interface ConsumerProgress {
  /** The stream sequence below which every message of the consumer is handled and acked. */
  ackFloor: number;
  /** Messages of the consumer not delivered yet, and delivered but not acked. */
  pending: number;
  ackPending: number;
}

/** What `ConsumerCatchUp` reads from JetStream; a port, so that the waiting is unit-tested. */
export interface ConsumerProgressSource {
  /** The stream sequence the consumer must get to: the last message it follows; null for none. */
  target(): Promise<number | null>;
  /** Rejects while the consumer does not exist (a service that is just starting creates it). */
  consumer(): Promise<ConsumerProgress>;
}

/**
 * Lets a GDPR forget wait for the messages already in a stream. A service that writes a user's
 * rows from a durable consumer (the archive, the inbox) would otherwise write the rows of a
 * message accepted before the erasure, but still queued, after its forget deleted the user's
 * rows: they would outlive the erasure.
 */
export class ConsumerCatchUp {
  /** @param name what the consumer is for, in the error when it stays behind */
  constructor(
    private readonly source: ConsumerProgressSource,
    private readonly name: string,
  ) {}

  /**
   * Resolves once the consumer has handled every message it follows that was in the stream when
   * called (or has nothing left at all); rejects after `timeoutMs`, for the forget to be retried.
   */
  async caughtUp(timeoutMs: number): Promise<void> {
    const target = await this.source.target();
    if (target === null) {
      return;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const progress = await this.source.consumer().catch((error: unknown) => {
        if (Date.now() > deadline) {
          throw error;
        }
        return undefined;
      });
      if (
        progress &&
        (progress.ackFloor >= target || (progress.pending === 0 && progress.ackPending === 0))
      ) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} has not caught up with its stream within ${timeoutMs} ms ` +
            `(acked up to ${progress?.ackFloor ?? 'unknown'} of ${target})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** The progress of the durable `consumer` of `stream`, which follows `subject`, read from JetStream. */
export function jetStreamConsumerProgress(
  nc: NatsConnection,
  where: { stream: string; consumer: string; subject: string },
): ConsumerProgressSource {
  return {
    target: async () => {
      const jsm = await jetstreamManager(nc);
      try {
        const last = await jsm.streams.getMessage(where.stream, { last_by_subj: where.subject });
        return last?.seq ?? null;
      } catch (error) {
        // No stream yet: nothing was ever published (nothing on the subject is a null above).
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
          return null;
        }
        throw error;
      }
    },
    consumer: async () => {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.consumers.info(where.stream, where.consumer);
      return {
        ackFloor: info.ack_floor.stream_seq,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
      };
    },
  };
}

/**
 * The Nest provider of a service's `ConsumerCatchUp`: its durable `consumer` of `stream`, which
 * follows `subject`; `name` says what the consumer is for, in errors.
 */
export function consumerCatchUpProvider(
  where: { stream: string; consumer: string; subject: string },
  name: string,
): Provider {
  return {
    provide: ConsumerCatchUp,
    useFactory: (nats: NatsClient) =>
      new ConsumerCatchUp(jetStreamConsumerProgress(nats.connection, where), name),
    inject: [NatsClient],
  };
}
