import type { ForgottenDataset } from '@sotto/contracts';

/** One page of a dataset's rows; keys are the dataset's columns. */
export interface CollectedPage {
  dataset: string;
  rows: Record<string, unknown>[];
}

/**
 * One page of a dataset already serialised, for a provider whose database can build the text:
 * the service's process then neither builds nor stringifies an object per row.
 *
 * `ndjson` is `count` complete lines, each one JSON object text (keys are the dataset's columns)
 * ending in `\n`; an empty page is `''` with a count of 0. The worker rejects a page whose text
 * does not end in `\n` or whose line count differs from `count` (a `GdprContractError`); the
 * orchestrator checks every line when it builds the export.
 */
export interface CollectedNdjsonPage {
  dataset: string;
  /** Text, or its UTF-8 bytes (passed on as they are). */
  ndjson: string | Uint8Array;
  count: number;
}

/** What a provider may yield: rows, or rows already serialised. */
export type ProvidedPage = CollectedPage | CollectedNdjsonPage;

/** What a service implements to answer the GDPR contract; `GdprModule.forService` wires it. */
export interface GdprDataProvider {
  /** Yields the subject's rows page by page, all pages of one dataset before the next dataset. */
  collect(subject: string): AsyncIterable<ProvidedPage>;
  /** Deletes the subject's own data; idempotent: a second call deletes nothing and reports 0. */
  forget(subject: string): Promise<ForgottenDataset[]>;
}
