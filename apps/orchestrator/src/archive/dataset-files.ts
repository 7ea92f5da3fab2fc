import { csvHeader } from './csv';
import { DeflatedPart, type WrittenPart } from './deflated-part';
import type { DatasetPiece, DatasetTransform, DatasetTransforms } from './dataset-transform';

/** Chunks of a dataset handed to the transform before the first of them must be written. */
const TRANSFORMS_IN_FLIGHT = 4;
const OPEN_ARRAY = Buffer.from('[');

/** A dataset's two files, written: what the zip and the manifest need. */
export interface WrittenDataset {
  json: WrittenPart;
  csv: WrittenPart;
  rows: number;
}

/**
 * The JSON and CSV files of one dataset, written from its NDJSON object chunk by chunk as the
 * chunks come: the transform (on its thread) runs a few chunks ahead of the two deflates (on
 * zlib's), which run side by side.
 */
export class DatasetFiles {
  private readonly json: DeflatedPart;
  private readonly csv: DeflatedPart;
  private readonly transform: DatasetTransform;
  private readonly pending: Promise<DatasetPiece>[] = [];
  private readonly started: Promise<void>;
  /** The write `push` is waiting on, if any: `finish` lets it end first. */
  private writing: Promise<void> = Promise.resolve();
  private rows = 0;

  /** `partPath(n)` names the part files, for files too large to keep in memory. */
  constructor(
    transforms: DatasetTransforms,
    source: string,
    columns: readonly string[],
    partPath: (file: 'json' | 'csv') => string,
  ) {
    this.json = new DeflatedPart(partPath('json'));
    this.csv = new DeflatedPart(partPath('csv'));
    this.transform = transforms.open(source, columns);
    this.started = Promise.all([
      this.json.write(OPEN_ARRAY),
      columns.length > 0 ? this.csv.write(Buffer.from(csvHeader(columns), 'utf8')) : undefined,
    ]).then(() => undefined);
  }

  /** Takes the next chunk; resolves once the files can take more. */
  async push(chunk: Uint8Array): Promise<void> {
    this.queue(this.transform.push(chunk));
    if (this.pending.length >= TRANSFORMS_IN_FLIGHT) {
      this.writing = this.write(this.pending.shift()!);
      await this.writing;
    }
  }

  /** The object has ended: writes what is left and closes both files. */
  async finish(): Promise<WrittenDataset> {
    this.queue(this.transform.end());
    // A push still writing (its caller need not have waited for it): its piece goes first, its
    // rows count, and the deflates are not ended under it, which would leave it waiting for a
    // 'drain' that an ending stream never emits.
    await this.writing;
    for (let piece = this.pending.shift(); piece !== undefined; piece = this.pending.shift()) {
      await this.write(piece);
    }
    await this.started;
    await this.json.write(Buffer.from(this.rows === 0 ? ']\n' : '\n]\n'));
    const [json, csv] = await Promise.all([this.json.end(), this.csv.end()]);
    return { json, csv, rows: this.rows };
  }

  /** Abandons the files (their part files go with the parts directory). */
  destroy(): void {
    this.transform.close();
    this.pending.length = 0;
    this.started.catch(() => undefined);
    this.json.destroy();
    this.csv.destroy();
  }

  private queue(piece: Promise<DatasetPiece>): void {
    // Awaited in turn; until then, a failure must not count as unhandled.
    piece.catch(() => undefined);
    this.pending.push(piece);
  }

  private async write(piece: Promise<DatasetPiece>): Promise<void> {
    await this.started;
    const { json, csv, rows } = await piece;
    await Promise.all([this.json.write(json), this.csv.write(csv)]);
    this.rows += rows;
  }
}
