import type { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { ChatMessageEvent } from '@sotto/contracts';
import { decodeJson } from '@sotto/nats';
import type { OfflineStorageService, UndeliveredMessage } from '../offline/offline-storage.service';

/** How long a failed batch waits before the server hands it out again: doubled each time. */
export const RETRY_DELAY_MS = 2000;
const MAX_RETRY_DELAY_MS = 60_000;

export type BatchMessage = Pick<JsMsg, 'data' | 'seq' | 'ack' | 'nak' | 'term'> & {
  info: Pick<JsMsg['info'], 'deliveryCount'>;
};

/**
 * Settles one batch off the stream: an invalid event is terminated (it would fail for ever), the
 * rest are stored together and acknowledged only once stored, or all handed back for a retry
 * when storing fails, so nothing is lost while the database or accounts service is away.
 */
export async function settleBatch(
  batch: BatchMessage[],
  storage: Pick<OfflineStorageService, 'storeBatch'>,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  const valid: { msg: BatchMessage; message: UndeliveredMessage }[] = [];
  for (const msg of batch) {
    const parsed = ChatMessageEvent.safeParse(decodeJson(msg.data));
    if (!parsed.success) {
      logger.warn('dropped an invalid chat.undelivered event');
      msg.term();
      continue;
    }
    valid.push({ msg, message: { event: parsed.data, seq: msg.seq } });
  }
  if (valid.length === 0) {
    return;
  }
  try {
    await storage.storeBatch(valid.map(({ message }) => message));
  } catch (error) {
    logger.warn(
      `storing ${valid.length} offline message(s) failed (${error instanceof Error ? error.name : typeof error}); retried`,
    );
    // While the database or the accounts service is away, retries (and warnings) grow sparse.
    const attempts = Math.max(...valid.map(({ msg }) => msg.info.deliveryCount));
    const delay = Math.min(RETRY_DELAY_MS * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
    for (const { msg } of valid) {
      msg.nak(delay);
    }
    return;
  }
  for (const { msg } of valid) {
    msg.ack();
  }
}
