import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** A file written piece by piece, readable only by the service user, hashed as it is written. */
export class HashedFile {
  private readonly out: WriteStream;
  private readonly hash: Hash = createHash('sha256');

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { mode: 0o600 });
  }

  async write(text: string): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.hash.update(chunk);
    // Respect back-pressure: a large export never piles up in memory.
    if (!this.out.write(chunk)) {
      await Promise.race([once(this.out, 'drain'), finished(this.out)]);
    }
  }

  /** Closes the file and returns the SHA-256 of everything written, in hex. */
  async close(): Promise<string> {
    this.out.end();
    await finished(this.out);
    return this.hash.digest('hex');
  }

  destroy(): void {
    this.out.destroy();
  }
}
