import {
  collectedChunkPrefix,
  collectedObjectName,
  type CollectedDataset,
  type DatasetDescription,
} from '@sotto/contracts';
import type { ExportObjects } from './export-objects';
import { GdprContractError } from './gdpr-contract.error';
import type { CollectedNdjsonPage, CollectedPage, ProvidedPage } from './gdpr-data-provider';

export type ObjectWriter = Pick<ExportObjects, 'put'>;

export interface CollectTarget {
  jobId: string;
  service: string;
  datasets: readonly DatasetDescription[];
}

const encoder = new TextEncoder();
const NEWLINE = 0x0a;

/**
 * Streams each dataset the provider yields into its own NDJSON object, page by page, so a dataset
 * is never held whole in memory. Every declared dataset gets an object, empty when no row came.
 */
export async function collectDatasets(
  store: ObjectWriter,
  target: CollectTarget,
  pages: AsyncIterable<ProvidedPage>,
): Promise<CollectedDataset[]> {
  const declared = new Set(target.datasets.map((d) => d.name));
  const counts = new Map<string, number>();
  const iterator = pages[Symbol.asyncIterator]();
  try {
    let next = await iterator.next();
    while (!next.done) {
      const dataset = next.value.dataset;
      if (!declared.has(dataset)) {
        throw new GdprContractError(`${target.service} yielded the undeclared dataset ${dataset}`);
      }
      if (counts.has(dataset)) {
        throw new GdprContractError(
          `${target.service} yielded ${dataset} again after another dataset`,
        );
      }
      const reader = new DatasetReader(target.service, iterator, next.value);
      // Under the job's chunk prefix: the orchestrator builds the files as the chunks come.
      await store.put({ name: objectName(target, dataset) }, reader.stream(), {
        chunkPrefix: collectedChunkPrefix(target.jobId, target.service, dataset),
      });
      counts.set(dataset, reader.rows);
      next = reader.following();
    }
  } catch (error) {
    // Let the provider release what it holds (a cursor, a transaction).
    await iterator.return?.();
    throw error;
  }
  const collected: CollectedDataset[] = [];
  for (const { name } of target.datasets) {
    const object = objectName(target, name);
    if (!counts.has(name)) {
      await store.put({ name: object }, emptyStream());
    }
    collected.push({ name, rows: counts.get(name) ?? 0, object });
  }
  return collected;
}

/** Reads the pages of one dataset off the shared iterator, stopping at the next dataset's first page. */
class DatasetReader {
  rows = 0;
  private readonly dataset: string;
  private pending: ProvidedPage | undefined;
  private next: IteratorResult<ProvidedPage> | undefined;

  constructor(
    private readonly service: string,
    private readonly iterator: AsyncIterator<ProvidedPage>,
    first: ProvidedPage,
  ) {
    this.dataset = first.dataset;
    this.pending = first;
  }

  // A high-water mark of 0: the provider is asked for a page only when the store wants bytes.
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      { pull: (controller) => this.pull(controller) },
      { highWaterMark: 0 },
    );
  }

  /** What came after this dataset: the next dataset's first page, or the end. */
  following(): IteratorResult<ProvidedPage> {
    if (!this.next) {
      throw new Error('the dataset was not read to its end');
    }
    return this.next;
  }

  private async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    // Loop over empty pages: a pull that enqueues nothing is not called again.
    for (;;) {
      let page = this.pending;
      this.pending = undefined;
      if (!page) {
        const result = await this.iterator.next();
        if (result.done || result.value.dataset !== this.dataset) {
          this.next = result;
          controller.close();
          return;
        }
        page = result.value;
      }
      const rows = 'ndjson' in page ? checkedCount(this.service, page) : page.rows.length;
      if (rows > 0) {
        this.rows += rows;
        controller.enqueue(encodePage(page));
        return;
      }
    }
  }
}

/** NDJSON: one JSON object per line, each line ending in `\n`. */
function encodePage(page: ProvidedPage): Uint8Array {
  if (!('ndjson' in page)) {
    return encoder.encode(serialise(page.rows));
  }
  return typeof page.ndjson === 'string' ? encoder.encode(page.ndjson) : page.ndjson;
}

function serialise(rows: CollectedPage['rows']): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

/**
 * The rows of a serialised page, once its text keeps the contract: whole lines only (a missing
 * last newline would glue the next page's first line onto this one) and `count` of them (the
 * number the export reports). Whether each line is a JSON object the orchestrator checks.
 */
function checkedCount(service: string, page: CollectedNdjsonPage): number {
  const { dataset, ndjson, count } = page;
  if (
    ndjson.length > 0 &&
    ndjson[ndjson.length - 1] !== (typeof ndjson === 'string' ? '\n' : NEWLINE)
  ) {
    throw new GdprContractError(`${service} yielded ${dataset} text not ending in a newline`);
  }
  const lines = countLines(ndjson);
  if (lines !== count) {
    throw new GdprContractError(
      `${service} yielded ${dataset} text of ${lines} line(s) as ${count} row(s)`,
    );
  }
  return count;
}

/** The line ends (`\n`) in NDJSON text or bytes: its number of whole lines. */
export function countLines(ndjson: string | Uint8Array): number {
  let lines = 0;
  if (typeof ndjson === 'string') {
    for (let at = ndjson.indexOf('\n'); at !== -1; at = ndjson.indexOf('\n', at + 1)) {
      lines++;
    }
    return lines;
  }
  const bytes = Buffer.from(ndjson.buffer, ndjson.byteOffset, ndjson.byteLength);
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) {
    lines++;
  }
  return lines;
}

function objectName(target: CollectTarget, dataset: string): string {
  return collectedObjectName(target.jobId, target.service, dataset);
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
}
