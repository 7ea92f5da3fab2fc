import { describe, it, expect } from 'vitest';
import { backoffMs, errorName, retry, sleep } from './retry';

describe('retry', () => {
  it('runs the task until it succeeds, telling each failure', async () => {
    let calls = 0;
    const failures: string[] = [];
    const sut = await retry(
      async () => {
        if (++calls < 3) {
          throw new TypeError('not yet');
        }
        return 'done';
      },
      new AbortController().signal,
      (error) => failures.push(errorName(error)),
    );
    expect(sut).toBe('done');
    expect(failures).toEqual(['TypeError', 'TypeError']);
  });

  it('gives up with undefined once aborted, without waiting out the backoff', async () => {
    const stopping = new AbortController();
    const started = Date.now();
    const sut = retry(
      () => Promise.reject(new Error('down')),
      stopping.signal,
      () => stopping.abort(),
    );
    expect(await sut).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe('backoffMs', () => {
  it('grows and stays under 30 s', () => {
    expect(backoffMs(0)).toBeLessThanOrEqual(500);
    expect(backoffMs(3)).toBeGreaterThanOrEqual(2000);
    expect(backoffMs(50)).toBeLessThanOrEqual(30_000);
  });
});

describe('sleep', () => {
  it('ends at once when aborted', async () => {
    const stopping = new AbortController();
    const started = Date.now();
    const sut = sleep(10_000, stopping.signal);
    stopping.abort();
    await sut;
    expect(Date.now() - started).toBeLessThan(200);
  });
});
