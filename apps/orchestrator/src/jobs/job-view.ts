import type { JobKind, JobServiceRecord, JobState, JobStatus } from './job-state';

export type { JobKind, JobStatus } from './job-state';

export interface DatasetProgress {
  name: string;
  rows?: number;
  deleted?: number;
  kept?: number;
  keptReason?: string;
}

export interface ServiceProgress {
  status: 'pending' | 'completed' | 'failed';
  records: number;
  /** Set while the service has not answered: since when the job waits for it. */
  waitingSince?: string;
  datasets?: DatasetProgress[];
}

/** A job as the admin API shows it (HTTP, gRPC, CLI). */
export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  services: Record<string, ServiceProgress>;
  error?: string;
  createdAt: string;
  finishedAt: string | null;
}

export function toJobView(state: JobState): JobView {
  const { job } = state;
  const services: Record<string, ServiceProgress> = {};
  for (const service of [...state.services].sort((a, b) => a.service.localeCompare(b.service))) {
    services[service.service] = toServiceProgress(service);
  }
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    services,
    ...(job.error === null ? {} : { error: job.error }),
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

function toServiceProgress(service: JobServiceRecord): ServiceProgress {
  const progress: ServiceProgress = { status: service.status, records: service.records };
  if (service.status !== 'completed') {
    progress.waitingSince = service.waitingSince.toISOString();
  }
  if (service.datasets) {
    // The object names are the orchestrator's business, not the operator's.
    progress.datasets = service.datasets.map((d) =>
      'object' in d
        ? { name: d.name, rows: d.rows }
        : {
            name: d.name,
            deleted: d.deleted,
            kept: d.kept,
            ...(d.keptReason === undefined ? {} : { keptReason: d.keptReason }),
          },
    );
  }
  return progress;
}
