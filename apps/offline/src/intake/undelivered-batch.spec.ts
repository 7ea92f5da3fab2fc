import { describe, it, expect, vi } from 'vitest';
import { encodeJson } from '@sotto/nats';
import type { UndeliveredMessage } from '../offline/offline-storage.service';
import { RETRY_DELAY_MS, settleBatch, type BatchMessage } from './undelivered-batch';

function msg(
  payload: unknown,
  seq: number,
  deliveryCount = 1,
): BatchMessage & { settled: string[] } {
  const settled: string[] = [];
  return {
    data: encodeJson(payload),
    seq,
    info: { deliveryCount },
    settled,
    ack: () => void settled.push('ack'),
    nak: (delay?: number) => void settled.push(`nak ${delay}`),
    term: () => void settled.push('term'),
  };
}

const event = (n: number) => ({
  id: `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  from: 'romeo@example.org/orchard',
  to: 'juliet@example.org',
  acceptedAt: 1_750_000_000_000 + n,
  stanza: `<message><body>${n}</body></message>`,
});

describe('settleBatch', () => {
  const logger = { warn: vi.fn() };

  it('stores the valid events together, with their stream sequence, then acknowledges them', async () => {
    const stored: UndeliveredMessage[][] = [];
    const storage = {
      storeBatch: async (batch: UndeliveredMessage[]) => {
        stored.push(batch);
        return { stored: batch.length, bounced: 0, dropped: 0 };
      },
    };
    const batch = [msg(event(1), 11), msg({ nonsense: true }, 12), msg(event(2), 13)];
    await settleBatch(batch, storage, logger);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.map((m) => [m.event.id, m.seq])).toEqual([
      [event(1).id, 11],
      [event(2).id, 13],
    ]);
    expect(batch.map((m) => m.settled)).toEqual([['ack'], ['term'], ['ack']]);
  });

  it('hands the whole batch back when storing fails: nothing is lost', async () => {
    const storage = {
      storeBatch: async () => {
        throw new Error('database away');
      },
    };
    const batch = [msg(event(1), 1), msg(event(2), 2)];
    await settleBatch(batch, storage, logger);
    expect(batch.map((m) => m.settled)).toEqual([
      [`nak ${RETRY_DELAY_MS}`],
      [`nak ${RETRY_DELAY_MS}`],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('retried'));
  });

  it('waits longer before each new attempt, up to a minute', async () => {
    const storage = {
      storeBatch: async () => {
        throw new Error('database away');
      },
    };
    const third = [msg(event(1), 1, 3), msg(event(2), 2, 1)];
    await settleBatch(third, storage, logger);
    expect(third[0]!.settled).toEqual([`nak ${4 * RETRY_DELAY_MS}`]);
    const late = [msg(event(1), 1, 30)];
    await settleBatch(late, storage, logger);
    expect(late[0]!.settled).toEqual(['nak 60000']);
  });
});
