import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * A file of the archive as it is written, hashed on the way: a temporary file, or a zip entry
 * being streamed. `signal` ends a wait for a reader that will never come (the zip failed).
 */
export class HashedOutput {
  private readonly hash = createHash('sha256');

  constructor(
    private readonly out: Writable,
    private readonly signal: AbortSignal,
  ) {
    // Errors reach `write` and `end` through the stream's state; a file destroyed while a write
    // was under way must not crash the process with an unhandled 'error' event.
    out.on('error', () => undefined);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.out.errored) {
      throw this.out.errored;
    }
    this.hash.update(chunk);
    // Respect back-pressure: a large export never piles up in memory. `once` removes its
    // listeners when it settles, however many times a large dataset waits.
    if (!this.out.write(chunk)) {
      await once(this.out, 'drain', { signal: this.signal });
    }
  }

  /**
   * Ends the output and returns its SHA-256 in hex; with `wait`, once it is all written (a file
   * that is read next). A zip entry is not waited for: the zip reads it in its turn, and a
   * failure there fails the whole zip.
   */
  async end(wait = true): Promise<string> {
    this.out.end();
    if (wait) {
      await finished(this.out, { signal: this.signal });
    }
    return this.hash.digest('hex');
  }

  destroy(): void {
    this.out.destroy();
  }
}
