import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

export type Row = Record<string, unknown>;

/** The rows of an NDJSON stream, one JSON object per line, read one at a time. */
export async function* ndjsonRows(input: Readable, source: string): AsyncGenerator<Row> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') {
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Only the position: the line holds the subject's data.
      throw new Error(`${source}: line ${lineNumber} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${source}: line ${lineNumber} is not a JSON object`);
    }
    yield value as Row;
  }
}
