import { describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('lets a burst through, then asks to pause for the deficit', () => {
    vi.useFakeTimers({ now: 0 });
    const sut = new RateLimiter(1000, 2000);
    expect(sut.consume(2000)).toBe(0);
    expect(sut.consume(500)).toBe(500);
    vi.setSystemTime(1000);
    // 1000 tokens refilled, 500 owed: 500 left.
    expect(sut.consume(400)).toBe(0);
    vi.useRealTimers();
  });
});
