import { CsvWriter } from './csv';
import { NdjsonSplitter, type NdjsonLine } from './ndjson';

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

  // The lines' own bytes are copied once, into the piece; the CSV is written as bytes.
  private piece(lines: readonly NdjsonLine[]): DatasetPiece {
    if (lines.length === 0) {
      return { json: EMPTY, csv: EMPTY, rows: 0 };
    }
    const json: Buffer[] = [];
    for (const line of lines) {
      json.push(this.rows === 0 ? NEWLINE : SEPARATOR, line.json);
      this.csv.record(this.columns, line.row);
      this.rows++;
    }
    return { json: Buffer.concat(json), csv: this.csv.take(), rows: lines.length };
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
