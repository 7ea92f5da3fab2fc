import { describe, expect, it } from 'vitest';
import { ConsumerCatchUp, type ConsumerProgress } from './consumer-catch-up';

function source(target: number | null, readings: (ConsumerProgress | Error)[]) {
  let reads = 0;
  return {
    reads: () => reads,
    target: () => Promise.resolve(target),
    consumer: () => {
      const reading = readings[Math.min(reads++, readings.length - 1)]!;
      return reading instanceof Error ? Promise.reject(reading) : Promise.resolve(reading);
    },
  };
}

describe('ConsumerCatchUp', () => {
  it('waits until the consumer has acked everything up to the last message it follows', async () => {
    const stream = source(100, [
      { ackFloor: 40, pending: 60, ackPending: 0 },
      { ackFloor: 90, pending: 5, ackPending: 5 },
      { ackFloor: 120, pending: 3, ackPending: 2 },
    ]);
    await new ConsumerCatchUp(stream, 'the archive').caughtUp(5_000);
    expect(stream.reads()).toBe(3);
  });

  it('counts an idle consumer as caught up', async () => {
    const stream = source(100, [{ ackFloor: 97, pending: 0, ackPending: 0 }]);
    await new ConsumerCatchUp(stream, 'the archive').caughtUp(5_000);
    expect(stream.reads()).toBe(1);
  });

  it('has nothing to wait for when the stream holds nothing it follows', async () => {
    const stream = source(null, [new Error('never read')]);
    await new ConsumerCatchUp(stream, 'the inbox').caughtUp(5_000);
    expect(stream.reads()).toBe(0);
  });

  it('waits for a consumer not created yet', async () => {
    const stream = source(10, [
      new Error('consumer not found'),
      { ackFloor: 10, pending: 0, ackPending: 1 },
    ]);
    await new ConsumerCatchUp(stream, 'the archive').caughtUp(5_000);
    expect(stream.reads()).toBe(2);
  });

  it('fails naming the consumer and its figures when it stays behind', async () => {
    const stream = source(100, [{ ackFloor: 40, pending: 60, ackPending: 0 }]);
    await expect(new ConsumerCatchUp(stream, 'the inbox').caughtUp(120)).rejects.toThrow(
      'the inbox has not caught up with its stream within 120 ms (acked up to 40 of 100)',
    );
  });
});
