import { Injectable } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { MESSAGES_STREAM, messageSubjects } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import { consumerInfo } from './messages-consumer';

const POLL_MS = 100;

/** Tells whether the inbox has applied the messages accepted so far (whichever replica applies). */
@Injectable()
export class IngestProgress {
  constructor(private readonly nats: NatsClient) {}

  /**
   * Resolves once every message accepted before the call has been applied; throws after
   * `timeoutMs`. An erasure waits for it, so that no message accepted before the subject's
   * sessions ended re-creates an entry of theirs after their inbox was deleted.
   */
  async waitForAccepted(timeoutMs: number): Promise<void> {
    const jsm = await jetstreamManager(this.nats.connection);
    const last = await jsm.streams
      .getMessage(MESSAGES_STREAM, { last_by_subj: messageSubjects.accepted })
      .catch((error: unknown) => {
        // No stream yet: nothing was ever accepted.
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
          return null;
        }
        throw error;
      });
    if (last === null) {
      return;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await consumerInfo(jsm);
      if (info !== undefined && info.ack_floor.stream_seq >= last.seq) {
        return;
      }
      if (Date.now() >= deadline) {
        throw new Error('the inbox has not caught up with the accepted messages');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
