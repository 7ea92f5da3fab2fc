import type { ForgottenDataset } from '@sotto/contracts';

/** One page of a dataset's rows; keys are the dataset's columns. */
export interface CollectedPage {
  dataset: string;
  rows: Record<string, unknown>[];
}

/** What a service implements to answer the GDPR contract; `GdprModule.forService` wires it. */
export interface GdprDataProvider {
  /** Yields the subject's rows page by page, all pages of one dataset before the next dataset. */
  collect(subject: string): AsyncIterable<CollectedPage>;
  /** Deletes the subject's own data; idempotent: a second call deletes nothing and reports 0. */
  forget(subject: string): Promise<ForgottenDataset[]>;
}
