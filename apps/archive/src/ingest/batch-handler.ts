import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { ChatMessageEvent } from '@sotto/contracts';
import { decodeJson } from '@sotto/nats';
import type { ArchiveRow } from '../archive/archive-row';
import { isDataError } from '../archive/database-errors';
import { archiveRows, InvalidEventError } from './archive-rows';
import { ArchiveWriter } from './archive-writer';

export type StreamMessage = Pick<JsMsg, 'data' | 'seq' | 'ack' | 'nak' | 'term'>;
export type RowWriter = Pick<ArchiveWriter, 'write'>;

// A failed write is retried after this long (JetStream redelivers the nak'ed messages).
export const RETRY_DELAY_MS = 2000;

interface Accepted {
  msg: StreamMessage;
  rows: ArchiveRow[];
}

/**
 * Archives one batch of `chat.accepted` messages with one write, then acknowledges them. Each
 * message is validated first; one the gateway could not have sent is terminated. When the write
 * fails because of the data, the messages are written one by one so that only the bad one is
 * terminated; any other failure leaves the whole batch to be redelivered.
 */
@Injectable()
export class BatchHandler {
  private readonly logger = new Logger('archive-ingest');

  constructor(@Inject(ArchiveWriter) private readonly writer: RowWriter) {}

  async handle(batch: readonly StreamMessage[]): Promise<void> {
    const accepted = batch.flatMap((msg) => this.accept(msg));
    if (accepted.length === 0) {
      return;
    }
    try {
      await this.writer.write(accepted.flatMap((item) => item.rows));
      accepted.forEach((item) => item.msg.ack());
      return;
    } catch (error) {
      if (!isDataError(error) || accepted.length === 1) {
        this.failed(accepted, error);
        return;
      }
    }
    for (const item of accepted) {
      try {
        await this.writer.write(item.rows);
        item.msg.ack();
      } catch (error) {
        this.failed([item], error);
      }
    }
  }

  private accept(msg: StreamMessage): Accepted[] {
    const event = ChatMessageEvent.safeParse(decodeJson(msg.data));
    if (!event.success) {
      msg.term();
      this.logger.warn(`terminated an invalid chat.accepted event (stream sequence ${msg.seq})`);
      return [];
    }
    try {
      return [{ msg, rows: archiveRows(event.data) }];
    } catch (error) {
      if (error instanceof InvalidEventError) {
        msg.term();
        this.logger.warn(
          `terminated a chat.accepted event (sequence ${msg.seq}): ${error.message}`,
        );
        return [];
      }
      throw error;
    }
  }

  private failed(items: readonly Accepted[], error: unknown): void {
    // Only the error's type and SQLSTATE: driver messages may quote the data (a JID, a body).
    const reason = describe(error);
    if (items.length === 1 && isDataError(error)) {
      items[0].msg.term();
      this.logger.error(
        `the database refused a message (stream sequence ${items[0].msg.seq}, ${reason}); not archived`,
      );
      return;
    }
    items.forEach((item) => item.msg.nak(RETRY_DELAY_MS));
    this.logger.error(`archiving ${items.length} message(s) failed (${reason}); retrying`);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) {
    return typeof error;
  }
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}
