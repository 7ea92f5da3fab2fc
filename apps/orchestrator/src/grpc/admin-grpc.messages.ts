import type { JobKind, JobStatus, JobView, ServiceProgress } from '../admin/admin.service';

// The shapes of `proto/sotto/admin/v1/admin.proto` as @grpc/proto-loader presents them with
// ADMIN_PROTO_OPTIONS: camelCase fields, enums by name, 64-bit integers as numbers.

export type JobKindName = 'JOB_KIND_UNSPECIFIED' | 'JOB_KIND_EXPORT' | 'JOB_KIND_ERASURE';
export type JobStatusName =
  | 'JOB_STATUS_UNSPECIFIED'
  | 'JOB_STATUS_QUEUED'
  | 'JOB_STATUS_RUNNING'
  | 'JOB_STATUS_COMPLETED'
  | 'JOB_STATUS_FAILED';
export type ServiceStatusName =
  | 'SERVICE_STATUS_UNSPECIFIED'
  | 'SERVICE_STATUS_PENDING'
  | 'SERVICE_STATUS_COMPLETED'
  | 'SERVICE_STATUS_FAILED';

export interface DatasetResultMessage {
  name: string;
  rows?: number;
  deleted?: number;
  kept?: number;
  keptReason?: string;
}

export interface ServiceProgressMessage {
  status: ServiceStatusName;
  records: number;
  waitingSince?: string;
  datasets: DatasetResultMessage[];
}

export interface JobMessage {
  id: string;
  kind: JobKindName;
  status: JobStatusName;
  services: Record<string, ServiceProgressMessage>;
  error?: string;
  createdAt: string;
  finishedAt?: string;
}

export interface RegisterResponseMessage {
  jid: string;
  password?: string;
}

export interface ArchiveChunkMessage {
  data: Buffer;
}

const jobKinds: Record<JobKind, JobKindName> = {
  export: 'JOB_KIND_EXPORT',
  erasure: 'JOB_KIND_ERASURE',
};

const jobStatuses: Record<JobStatus, JobStatusName> = {
  queued: 'JOB_STATUS_QUEUED',
  running: 'JOB_STATUS_RUNNING',
  completed: 'JOB_STATUS_COMPLETED',
  failed: 'JOB_STATUS_FAILED',
};

const serviceStatuses: Record<ServiceProgress['status'], ServiceStatusName> = {
  pending: 'SERVICE_STATUS_PENDING',
  completed: 'SERVICE_STATUS_COMPLETED',
  failed: 'SERVICE_STATUS_FAILED',
};

export function toJobMessage(job: JobView): JobMessage {
  return {
    id: job.id,
    kind: jobKinds[job.kind],
    status: jobStatuses[job.status],
    services: Object.fromEntries(
      Object.entries(job.services).map(([name, progress]) => [name, toServiceMessage(progress)]),
    ),
    error: job.error,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt ?? undefined,
  };
}

function toServiceMessage(progress: ServiceProgress): ServiceProgressMessage {
  return {
    status: serviceStatuses[progress.status],
    records: progress.records,
    waitingSince: progress.waitingSince,
    datasets: (progress.datasets ?? []).map((dataset) => ({
      name: dataset.name,
      rows: dataset.rows,
      deleted: dataset.deleted,
      kept: dataset.kept,
      keptReason: dataset.keptReason,
    })),
  };
}
