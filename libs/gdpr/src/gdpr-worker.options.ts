import type { DatasetDescription } from '@sotto/contracts';

/** What the worker needs to know about its service. */
export interface GdprWorkerOptions {
  /** The service's name in jobs and in the archive (`ServiceName` of the contract). */
  service: string;
  /** Every dataset the service holds, in the order they appear in the archive. */
  datasets: DatasetDescription[];
}

/** Injection tokens of `GdprModule.forService`. */
export const GDPR_WORKER_OPTIONS = Symbol('GdprWorkerOptions');
export const GDPR_DATA_PROVIDER = Symbol('GdprDataProvider');
/** Optional: the `LogStore` to search and clean (tests); by default the process's own. */
export const GDPR_LOG_STORE = Symbol('GdprLogStore');
