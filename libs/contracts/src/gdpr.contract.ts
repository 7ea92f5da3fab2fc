import { z } from 'zod';
import { BareJid } from './fields';

/** A service's name as it appears in jobs and in the export archive (`<service>/…`). */
export const ServiceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a service name');
/** A dataset's name: the file name in the archive (`<service>/<dataset>.json`). */
export const DatasetName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'expected a dataset name');

/**
 * JetStream streams of the GDPR contract. Announcements keep the last one per service forever, so
 * an orchestrator that starts later still learns every service that ever registered; requests and
 * results are kept until consumed and acknowledged (and at most `GDPR_JOBS_MAX_AGE_MS`).
 */
export const GDPR_ANNOUNCE_STREAM = 'SOTTO_GDPR_ANNOUNCE';
export const GDPR_JOBS_STREAM = 'SOTTO_GDPR_JOBS';
export const GDPR_JOBS_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** NATS object store bucket where services put collected rows (NDJSON) for the orchestrator. */
export const GDPR_EXPORTS_BUCKET = 'sotto_gdpr_exports';

export const gdprSubjects = {
  announce: (service: string) => `gdpr.announce.${service}`,
  announceAll: 'gdpr.announce.*',
  request: (service: string) => `gdpr.request.${service}`,
  requestAll: 'gdpr.request.*',
  result: (service: string) => `gdpr.result.${service}`,
  resultAll: 'gdpr.result.*',
} as const;

/** Object name of one collected dataset: `<jobId>/<service>/<dataset>.ndjson`. */
export function collectedObjectName(jobId: string, service: string, dataset: string): string {
  return `${jobId}/${service}/${dataset}.ndjson`;
}

/**
 * Where the chunks of a collected dataset's object are published in the exports bucket:
 * `$O.<bucket>.C.<jobId>.<service>.<dataset>.<nuid>`. Known in advance, so that the orchestrator
 * can follow all of a job's chunks (`<jobId>.>`) while the services write them, and build the
 * archive as the rows arrive instead of after the last answer. All three are subject tokens:
 * a uuid, a `ServiceName` and a `DatasetName`.
 */
export function collectedChunkPrefix(jobId: string, service: string, dataset: string): string {
  return `${jobId}.${service}.${dataset}`;
}

export const DatasetDescription = z.object({
  name: DatasetName,
  /** CSV columns, in order (MongooseIM's names where it has the dataset). */
  columns: z.array(z.string().min(1).max(64)).min(1).max(64),
});
export type DatasetDescription = z.infer<typeof DatasetDescription>;

/** A service says it holds personal data, and in which datasets. Sent at every start. */
export const GdprAnnouncement = z.object({
  service: ServiceName,
  datasets: z.array(DatasetDescription).min(1).max(64),
  announcedAt: z.number().int(),
});
export type GdprAnnouncement = z.infer<typeof GdprAnnouncement>;

export const GdprJobKind = z.enum(['collect', 'forget']);
export type GdprJobKind = z.infer<typeof GdprJobKind>;

/** The orchestrator asks one service to collect or forget the subject's data. */
export const GdprRequest = z.object({
  jobId: z.uuid(),
  kind: GdprJobKind,
  subject: BareJid,
});
export type GdprRequest = z.infer<typeof GdprRequest>;

/** Object name of the subject's log lines collected from one service: `<jobId>/<service>/service.log`. */
export function collectedLogObjectName(jobId: string, service: string): string {
  return `${jobId}/${service}/service.log`;
}

/**
 * The log lines of a service that concern the subject (found by the subject's pseudonym), as
 * plain text, one line per log line; the orchestrator writes them to `logs/<service>.log`.
 */
export const CollectedLogs = z.object({
  lines: z.number().int().min(0),
  /** Object in GDPR_EXPORTS_BUCKET holding the lines; absent when there are none. */
  object: z.string().min(1).max(512).optional(),
});
export type CollectedLogs = z.infer<typeof CollectedLogs>;

export const CollectedDataset = z.object({
  name: DatasetName,
  rows: z.number().int().min(0),
  /** Object in GDPR_EXPORTS_BUCKET holding the rows, one JSON object per line. */
  object: z.string().min(1).max(512),
});
export type CollectedDataset = z.infer<typeof CollectedDataset>;

export const ForgottenDataset = z.object({
  name: DatasetName,
  deleted: z.number().int().min(0),
  kept: z.number().int().min(0),
  /** Why rows were kept: they are shared with others (e.g. the other party's message copies). */
  keptReason: z.string().max(500).optional(),
});
export type ForgottenDataset = z.infer<typeof ForgottenDataset>;

/** A service's answer to one request. */
export const GdprResult = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('collect'),
    jobId: z.uuid(),
    service: ServiceName,
    datasets: z.array(CollectedDataset),
    /** Absent from services that keep no log store (older versions): no `logs/<service>.log`. */
    logs: CollectedLogs.optional(),
  }),
  z.object({
    kind: z.literal('forget'),
    jobId: z.uuid(),
    service: ServiceName,
    datasets: z.array(ForgottenDataset),
  }),
]);
export type GdprResult = z.infer<typeof GdprResult>;
