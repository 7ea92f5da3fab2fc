import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { TransformOptions } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createDeflateRaw, crc32, deflateRaw, type DeflateRaw, type ZlibOptions } from 'node:zlib';
import type { DeflatedFile } from './zip-writer';

/** A file of the archive once written: what the zip needs, and its SHA-256 for the manifest. */
export interface WrittenPart extends DeflatedFile {
  sha256: string;
}

// An archive is downloaded once: zlib's fastest level costs a fraction of the default (6) and
// the zip is only a few per cent larger.
const LEVEL = 1;
// Large output chunks: zlib's default of 16 KiB costs a callback per 16 KiB.
const DEFLATE_CHUNK_BYTES = 256 * 1024;
// How far the writer may run ahead of the deflate (zlib's threads): a few input chunks, so that
// the rows are prepared while the previous ones are compressed.
const AHEAD_BYTES = 8 * 1024 * 1024;
// Most files of an export are small (a vCard, a roster): those are deflated in memory in one
// call, without a stream or a part file.
const IN_MEMORY_BYTES = 1024 * 1024;

const deflateRawAsync = promisify(deflateRaw);

interface Spill {
  deflate: DeflateRaw;
  file: WriteStream;
  written: Promise<void>;
}

/**
 * One file of the archive, deflated as it is written, its SHA-256 and CRC-32 computed on the
 * way; small files in memory, larger ones to a part file on disk. Two parts (a dataset's JSON
 * and CSV) deflate side by side on zlib's threads; the zip then only copies their bytes.
 */
export class DeflatedPart {
  private readonly hash = createHash('sha256');
  private readonly failed = new AbortController();
  private crc = 0;
  private size = 0;
  private held: Buffer[] = [];
  private spill: Spill | undefined;

  /** @param path where the part goes once it is too large to keep in memory */
  constructor(private readonly path: string) {}

  async write(chunk: Buffer): Promise<void> {
    this.throwIfFailed();
    if (chunk.length === 0) {
      return;
    }
    this.hash.update(chunk);
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    if (this.spill === undefined) {
      if (this.size <= IN_MEMORY_BYTES) {
        this.held.push(chunk);
        return;
      }
      this.spill = this.startSpill();
      chunk = Buffer.concat([...this.held, chunk]);
      this.held = [];
    }
    if (!this.spill.deflate.write(chunk)) {
      try {
        await once(this.spill.deflate, 'drain', { signal: this.failed.signal });
      } catch (error) {
        this.throwIfFailed();
        throw error;
      }
    }
  }

  /** Ends the file; once this resolves, it is all deflated (and on disk, if it went there). */
  async end(): Promise<WrittenPart> {
    const common = { sha256: this.hash.digest('hex'), crc32: this.crc, size: this.size };
    if (this.spill === undefined) {
      const data = await deflateRawAsync(Buffer.concat(this.held), { level: LEVEL });
      this.held = [];
      return { ...common, data, compressedSize: data.length };
    }
    this.spill.deflate.end();
    await this.spill.written;
    return { ...common, path: this.path, compressedSize: this.spill.file.bytesWritten };
  }

  /** Abandons the file (the caller removes the parts directory). */
  destroy(): void {
    this.held = [];
    this.spill?.deflate.destroy();
    this.spill?.written.catch(() => undefined);
  }

  private startSpill(): Spill {
    const deflate = createDeflateRaw({
      level: LEVEL,
      chunkSize: DEFLATE_CHUNK_BYTES,
      highWaterMark: AHEAD_BYTES,
    } as ZlibOptions & TransformOptions);
    const file = createWriteStream(this.path, { mode: 0o600, highWaterMark: AHEAD_BYTES });
    const written = pipeline(deflate, file);
    // A failure (disk full) ends every wait for the deflate to take more.
    written.catch((error: unknown) => this.failed.abort(error));
    return { deflate, file, written };
  }

  private throwIfFailed(): void {
    if (this.failed.signal.aborted) {
      throw this.failed.signal.reason;
    }
  }
}
