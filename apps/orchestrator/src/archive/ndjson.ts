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
 * The lines of an NDJSON stream (one JSON object per line), a batch for each chunk read, so that
 * a large object costs one await per chunk rather than per row. Each line is checked once: valid
 * UTF-8, a JSON object. Its bytes can then be written as they are wherever JSON is wanted. Blank
 * lines are skipped. Errors name the line's position, never its content (the subject's data).
 */
export async function* ndjsonLines(
  input: AsyncIterable<Uint8Array>,
  source: string,
): AsyncGenerator<NdjsonLine[]> {
  let lineNumber = 0;
  let rest: Buffer = Buffer.alloc(0);
  const parse = (json: Buffer, batch: NdjsonLine[]) => {
    lineNumber++;
    const line = parseLine(json, source, lineNumber);
    if (line) {
      batch.push(line);
    }
  };
  for await (const chunk of input) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const batch: NdjsonLine[] = [];
    let start = 0;
    let end = bytes.indexOf(NEWLINE);
    if (rest.length > 0) {
      // Only the line that spans the chunks is copied, not the whole chunk.
      if (end === -1) {
        rest = Buffer.concat([rest, bytes]);
        continue;
      }
      parse(Buffer.concat([rest, bytes.subarray(0, end)]), batch);
      start = end + 1;
      end = bytes.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      parse(bytes.subarray(start, end), batch);
      start = end + 1;
    }
    // Copied: a subarray would keep the whole chunk alive while it waits for its line's end.
    rest = Buffer.from(bytes.subarray(start));
    if (batch.length > 0) {
      yield batch;
    }
  }
  if (rest.length > 0) {
    const batch: NdjsonLine[] = [];
    parse(rest, batch);
    if (batch.length > 0) {
      yield batch;
    }
  }
}

function parseLine(json: Buffer, source: string, lineNumber: number): NdjsonLine | undefined {
  if (!isUtf8(json)) {
    throw new Error(`${source}: line ${lineNumber} is not UTF-8`);
  }
  const text = json.toString('utf8');
  if (BLANK.test(text)) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${source}: line ${lineNumber} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: line ${lineNumber} is not a JSON object`);
  }
  return { row: value as Row, json };
}
