import { describe, expect, it } from 'vitest';
import { IngestProgress, type ConsumerProgress } from './ingest-progress';

function source(lastSeq: number, readings: (ConsumerProgress | Error)[]) {
  let reads = 0;
  return {
    reads: () => reads,
    lastStreamSeq: () => Promise.resolve(lastSeq),
    consumer: () => {
      const reading = readings[Math.min(reads++, readings.length - 1)]!;
      return reading instanceof Error ? Promise.reject(reading) : Promise.resolve(reading);
    },
  };
}

describe('IngestProgress', () => {
  it('waits until the consumer has acked everything up to the stream’s last message', async () => {
    const stream = source(100, [
      { ackFloor: 40, pending: 60, ackPending: 0 },
      { ackFloor: 90, pending: 5, ackPending: 5 },
      { ackFloor: 120, pending: 3, ackPending: 2 },
    ]);
    await new IngestProgress(stream).caughtUp(5_000);
    expect(stream.reads()).toBe(3);
  });

  it('counts an idle consumer as caught up when the last messages are not for the archive', async () => {
    const stream = source(100, [{ ackFloor: 97, pending: 0, ackPending: 0 }]);
    await new IngestProgress(stream).caughtUp(5_000);
    expect(stream.reads()).toBe(1);
  });

  it('waits for a consumer not created yet', async () => {
    const stream = source(10, [
      new Error('consumer not found'),
      { ackFloor: 10, pending: 0, ackPending: 1 },
    ]);
    await new IngestProgress(stream).caughtUp(5_000);
    expect(stream.reads()).toBe(2);
  });

  it('fails with the figures when the consumer stays behind', async () => {
    const stream = source(100, [{ ackFloor: 40, pending: 60, ackPending: 0 }]);
    await expect(new IngestProgress(stream).caughtUp(120)).rejects.toThrow('acked up to 40 of 100');
  });
});
