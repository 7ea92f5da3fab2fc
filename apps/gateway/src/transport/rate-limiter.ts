/**
 * A token bucket over input bytes. A connection that reads faster than its rate is paused until
 * its bucket refills, as Prosody's `limits` does: the flood waits in the sender's kernel buffers
 * instead of our event loop, and other connections keep their share.
 */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly bytesPerSecond: number,
    private readonly burstBytes: number,
  ) {
    this.tokens = burstBytes;
  }

  /** Takes `bytes` from the bucket; returns how long to pause reading (0 when within the rate). */
  consume(bytes: number): number {
    const now = Date.now();
    this.tokens = Math.min(
      this.burstBytes,
      this.tokens + ((now - this.last) * this.bytesPerSecond) / 1000,
    );
    this.last = now;
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.bytesPerSecond);
  }
}
