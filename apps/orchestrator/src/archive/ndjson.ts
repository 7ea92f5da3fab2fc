import { isUtf8 } from 'node:buffer';

export type Row = Record<string, unknown>;

/** One line of an NDJSON object: the row it holds, and where its JSON text is in the batch. */
export interface NdjsonLine {
  row: Row;
  /** The line's bytes are `bytes.subarray(start, end)` of its batch: a JSON text of `row`. */
  start: number;
  end: number;
}

/** The lines that ended in one chunk, and the bytes they are cut from. */
export interface NdjsonBatch {
  bytes: Buffer;
  lines: NdjsonLine[];
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const BLANK = /^[ \t\r]*$/;
const EMPTY_BATCH: NdjsonBatch = { bytes: Buffer.alloc(0), lines: [] };

/**
 * Splits an NDJSON stream (one JSON object per line) into lines as its chunks come, a batch for
 * each chunk. Each line is checked once: valid UTF-8, a JSON object. Its bytes can then be
 * written as they are wherever JSON is wanted. Blank lines are skipped. Errors name the line's
 * position, never its content (the subject's data).
 *
 * Why by batch: the lines that end in a chunk are checked for UTF-8 in one call, and a line is
 * a pair of offsets rather than a buffer of its own. For 100 000 archived messages this is most
 * of the orchestrator's work, and a `Buffer` per line cost about as much as the parse.
 */
export class NdjsonSplitter {
  private lineNumber = 0;
  private rest: Buffer = Buffer.alloc(0);

  constructor(private readonly source: string) {}

  /** The lines that end in this chunk. */
  push(chunk: Uint8Array): NdjsonBatch {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Only a line that spans chunks is copied with the chunk.
    const bytes = this.rest.length > 0 ? Buffer.concat([this.rest, view]) : view;
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    // Copied: a subarray would keep the whole chunk alive while it waits for its line's end.
    this.rest = Buffer.from(bytes.subarray(end));
    return end === 0 ? EMPTY_BATCH : this.parse(bytes.subarray(0, end));
  }

  /** The last line, when the stream did not end with a line end. */
  end(): NdjsonBatch {
    const rest = this.rest;
    this.rest = Buffer.alloc(0);
    return rest.length === 0 ? EMPTY_BATCH : this.parse(Buffer.concat([rest, Buffer.of(NEWLINE)]));
  }

  // `bytes` holds whole lines, each ended by a line end. A line end is never inside a UTF-8
  // sequence, so the lines are all UTF-8 exactly when the whole is: one check for the batch.
  // Each line is then decoded on its own (parsing a slice of one large string is slower).
  private parse(bytes: Buffer): NdjsonBatch {
    if (!isUtf8(bytes)) {
      this.throwAtBadUtf8(bytes);
    }
    const lines: NdjsonLine[] = [];
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      this.lineNumber++;
      const line = bytes.toString('utf8', start, end);
      // An object's line starts with its brace: only other lines need the blank test.
      if (bytes[start] === OPEN_BRACE || !BLANK.test(line)) {
        lines.push({ row: this.row(line), start, end });
      }
      start = end + 1;
    }
    return { bytes, lines };
  }

  private row(line: string): Row {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${this.source}: line ${this.lineNumber} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${this.source}: line ${this.lineNumber} is not a JSON object`);
    }
    return value as Row;
  }

  private throwAtBadUtf8(bytes: Buffer): never {
    let line = this.lineNumber;
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      line++;
      if (!isUtf8(bytes.subarray(start, end))) {
        break;
      }
      start = end + 1;
    }
    throw new Error(`${this.source}: line ${line} is not UTF-8`);
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
    if (batch.lines.length > 0) {
      yield batch.lines;
    }
  }
  const last = splitter.end();
  if (last.lines.length > 0) {
    yield last.lines;
  }
}
