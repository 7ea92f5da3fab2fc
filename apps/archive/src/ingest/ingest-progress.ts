import type { Provider } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { MESSAGES_STREAM } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import { ARCHIVE_CONSUMER } from './chat-consumer';

/** How long a forget waits for the archive to catch up before it fails (and is retried). */
const CATCH_UP_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

/** The figures of the archive consumer that tell whether it has caught up. */
export interface ConsumerProgress {
  /** The stream sequence below which every message of the consumer is archived and acked. */
  ackFloor: number;
  /** Messages of the consumer not delivered yet, and delivered but not acked. */
  pending: number;
  ackPending: number;
}

/** What `IngestProgress` reads from JetStream; a port so the waiting logic is unit-tested. */
export interface IngestProgressSource {
  lastStreamSeq(): Promise<number>;
  consumer(): Promise<ConsumerProgress>;
}

/**
 * Lets a forget wait for the messages already accepted into the stream: without it, a message to
 * the subject accepted before the erasure but still queued (the archive was stopped or behind)
 * would be archived after the forget deleted the subject's archive, and outlive the erasure.
 */
export class IngestProgress {
  constructor(private readonly source: IngestProgressSource) {}

  /**
   * Resolves once every message in the stream when called is archived (or is not for the
   * archive: the consumer follows `chat.accepted` only); rejects after `timeoutMs`.
   */
  async caughtUp(timeoutMs = CATCH_UP_TIMEOUT_MS): Promise<void> {
    const target = await this.source.lastStreamSeq();
    const deadline = Date.now() + timeoutMs;
    let last: ConsumerProgress | undefined;
    for (;;) {
      last = await this.source.consumer().catch((error: unknown) => {
        // Not created yet (a service that just started): it will be in a moment.
        if (Date.now() > deadline) {
          throw error;
        }
        return undefined;
      });
      if (last && (last.ackFloor >= target || (last.pending === 0 && last.ackPending === 0))) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the archive has not caught up with the messages stream within ${timeoutMs} ms ` +
            `(acked up to ${last?.ackFloor ?? 'unknown'} of ${target})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** The progress of the shared `archive` consumer, read from JetStream. */
export function jetStreamProgress(nats: NatsClient): IngestProgressSource {
  return {
    lastStreamSeq: async () => {
      const jsm = await jetstreamManager(nats.connection);
      return (await jsm.streams.info(MESSAGES_STREAM)).state.last_seq;
    },
    consumer: async () => {
      const jsm = await jetstreamManager(nats.connection);
      const info = await jsm.consumers.info(MESSAGES_STREAM, ARCHIVE_CONSUMER);
      return {
        ackFloor: info.ack_floor.stream_seq,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
      };
    },
  };
}

export const ingestProgressProvider: Provider = {
  provide: IngestProgress,
  useFactory: (nats: NatsClient) => new IngestProgress(jetStreamProgress(nats)),
  inject: [NatsClient],
};
