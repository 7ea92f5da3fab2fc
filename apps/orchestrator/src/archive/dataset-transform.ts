import { CsvWriter } from './csv';
import { NdjsonSplitter, type NdjsonBatch } from './ndjson';

/** What one chunk of a dataset's NDJSON object becomes: the next bytes of its JSON and CSV files. */
export interface DatasetPiece {
  json: Buffer;
  csv: Buffer;
  rows: number;
}

/** Turns a dataset's NDJSON object, chunk by chunk in order, into its JSON array and CSV rows. */
export interface DatasetTransform {
  push(chunk: Uint8Array): Promise<DatasetPiece>;
  /** What is left once the object has ended (a last line without its line end). */
  end(): Promise<DatasetPiece>;
  /** Drops the transform's state, when the dataset is abandoned half way. */
  close(): void;
}

/** Nest token: the transforms `ExportArchives` uses instead of its own worker thread. */
export const DATASET_TRANSFORMS = Symbol('DATASET_TRANSFORMS');

export interface DatasetTransforms {
  /** `source` (`<service>/<dataset>`) names the dataset in errors. */
  open(source: string, columns: readonly string[]): DatasetTransform;
}

const NEWLINE = Buffer.from('\n');
const SEPARATOR = Buffer.from(',\n');
const EMPTY = Buffer.alloc(0);

/**
 * The transform itself, synchronous: each line is checked (UTF-8, a JSON object) and parsed once;
 * its bytes go into the JSON file as they came (no precision lost to a second serialisation) and
 * its fields into a CSV record. The JSON pieces are the array's elements: `[` and `]` are the
 * caller's.
 */
export class LineTransform {
  private readonly splitter: NdjsonSplitter;
  private readonly csv = new CsvWriter();
  private rows = 0;

  constructor(
    source: string,
    private readonly columns: readonly string[],
  ) {
    this.splitter = new NdjsonSplitter(source);
  }

  push(chunk: Uint8Array): DatasetPiece {
    return this.piece(this.splitter.push(chunk));
  }

  end(): DatasetPiece {
    return this.piece(this.splitter.end());
  }

  private piece(batch: NdjsonBatch): DatasetPiece {
    const { lines } = batch;
    if (lines.length === 0) {
      return { json: EMPTY, csv: EMPTY, rows: 0 };
    }
    const json = this.elements(batch);
    for (const { row } of lines) {
      this.csv.record(this.columns, row);
    }
    this.rows += lines.length;
    return { json, csv: this.csv.take(), rows: lines.length };
  }

  /**
   * The lines as the array's next elements, each after its separator (`\n` before the file's
   * first, `,\n` before the others), in a buffer of exactly their size, so that the worker
   * thread can move it instead of copying it.
   */
  private elements({ bytes, lines }: NdjsonBatch): Buffer {
    let size = 0;
    for (const { start, end } of lines) {
      size += SEPARATOR.length + end - start;
    }
    const first = this.rows === 0 ? NEWLINE : SEPARATOR;
    const json = Buffer.allocUnsafe(size - SEPARATOR.length + first.length);
    let at = 0;
    for (const { start, end } of lines) {
      at += (at === 0 ? first : SEPARATOR).copy(json, at);
      at += bytes.copy(json, at, start, end);
    }
    return json;
  }
}

/** Transforms on the calling thread: for small exports' tests, and where no worker can run. */
export const inlineTransforms: DatasetTransforms = {
  open(source, columns) {
    const transform = new LineTransform(source, columns);
    return {
      // A failing line rejects the promise instead of throwing from the call.
      push: (chunk) => new Promise((resolve) => resolve(transform.push(chunk))),
      end: () => new Promise((resolve) => resolve(transform.end())),
      close: () => undefined,
    };
  },
};
