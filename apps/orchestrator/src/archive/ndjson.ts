import { isUtf8 } from 'node:buffer';

export type Row = Record<string, unknown>;

/** One line of an NDJSON object: the row it holds, and its bytes, which are a JSON text of it. */
export interface NdjsonLine {
  row: Row;
  json: Buffer;
}

const NEWLINE = 0x0a;
const BLANK = /^[ \t\r]*$/;

/**
 * Splits an NDJSON stream (one JSON object per line) into lines as its chunks come, a batch for
 * each chunk. Each line is checked once: valid UTF-8, a JSON object. Its bytes can then be
 * written as they are wherever JSON is wanted. Blank lines are skipped. Errors name the line's
 * position, never its content (the subject's data).
 */
export class NdjsonSplitter {
  private lineNumber = 0;
  private rest: Buffer = Buffer.alloc(0);

  constructor(private readonly source: string) {}

  /** The lines that end in this chunk. */
  push(chunk: Uint8Array): NdjsonLine[] {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const batch: NdjsonLine[] = [];
    let start = 0;
    let end = bytes.indexOf(NEWLINE);
    if (this.rest.length > 0) {
      // Only the line that spans the chunks is copied, not the whole chunk.
      if (end === -1) {
        this.rest = Buffer.concat([this.rest, bytes]);
        return batch;
      }
      this.parse(Buffer.concat([this.rest, bytes.subarray(0, end)]), batch);
      start = end + 1;
      end = bytes.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      this.parse(bytes.subarray(start, end), batch);
      start = end + 1;
    }
    // Copied: a subarray would keep the whole chunk alive while it waits for its line's end.
    this.rest = Buffer.from(bytes.subarray(start));
    return batch;
  }

  /** The last line, when the stream did not end with a line end. */
  end(): NdjsonLine[] {
    const batch: NdjsonLine[] = [];
    if (this.rest.length > 0) {
      this.parse(this.rest, batch);
      this.rest = Buffer.alloc(0);
    }
    return batch;
  }

  private parse(json: Buffer, batch: NdjsonLine[]): void {
    this.lineNumber++;
    if (!isUtf8(json)) {
      throw new Error(`${this.source}: line ${this.lineNumber} is not UTF-8`);
    }
    const text = json.toString('utf8');
    if (BLANK.test(text)) {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${this.source}: line ${this.lineNumber} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${this.source}: line ${this.lineNumber} is not a JSON object`);
    }
    batch.push({ row: value as Row, json });
  }
}

/** The lines of an NDJSON stream, a batch for each chunk read (one await per chunk, not per row). */
export async function* ndjsonLines(
  input: AsyncIterable<Uint8Array>,
  source: string,
): AsyncGenerator<NdjsonLine[]> {
  const splitter = new NdjsonSplitter(source);
  for await (const chunk of input) {
    const batch = splitter.push(chunk);
    if (batch.length > 0) {
      yield batch;
    }
  }
  const last = splitter.end();
  if (last.length > 0) {
    yield last;
  }
}
