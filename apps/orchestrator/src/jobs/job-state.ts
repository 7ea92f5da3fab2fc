import {
  collectedLogObjectName,
  collectedObjectName,
  type CollectedDataset,
  type CollectedLogs,
  type ForgottenDataset,
  type GdprResult,
} from '@sotto/contracts';

export type JobKind = 'export' | 'erasure';
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';
export type JobServiceStatus = 'pending' | 'completed' | 'failed';

export interface JobRecord {
  id: string;
  kind: JobKind;
  status: JobStatus;
  subjectJid: string | null;
  subjectHash: string;
  deadlineAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface JobServiceRecord {
  jobId: string;
  service: string;
  status: JobServiceStatus;
  records: number;
  waitingSince: Date;
  answeredAt: Date | null;
  datasets: CollectedDataset[] | ForgottenDataset[] | null;
  /** The service's log lines about the subject (exports, from services that keep a log store). */
  logs: CollectedLogs | null;
}

/** A job and its services, as one unit: every transition below takes and returns one. */
export interface JobState {
  job: JobRecord;
  services: JobServiceRecord[];
}

/** What became of a result: applied once, or why it changed nothing. */
export type ResultOutcome = 'applied' | 'not-pending' | 'unknown-service' | 'wrong-kind';

const resultKindOf: Record<JobKind, GdprResult['kind']> = { export: 'collect', erasure: 'forget' };

export function requestKindOf(kind: JobKind): GdprResult['kind'] {
  return resultKindOf[kind];
}

export function isFinished(state: JobState): boolean {
  return state.job.status === 'completed' || state.job.status === 'failed';
}

export function pendingServices(state: JobState): JobServiceRecord[] {
  return state.services.filter((s) => s.status === 'pending');
}

/** The datasets the services put in the object store for this job (exports only). */
export function collectedDatasets(state: JobState): CollectedDataset[] {
  return state.services.flatMap((s) =>
    (s.datasets ?? []).filter((d): d is CollectedDataset => 'object' in d),
  );
}

/**
 * Every object the services put in the object store for this job, rows and log lines, to delete
 * once archived. Only the names the contract gives this job's objects: a result naming any other
 * object (another job's, another service's) must not have it deleted.
 */
export function collectedObjects(state: JobState): string[] {
  return state.services.flatMap((s) =>
    ownObjects(state.job.id, s.service, collectedDatasetsOf(s), s.logs ?? undefined),
  );
}

/** The objects a collect result points at, of those it may name (see `collectedObjects`). */
export function resultObjects(result: GdprResult): string[] {
  return result.kind === 'collect'
    ? ownObjects(result.jobId, result.service, result.datasets, result.logs)
    : [];
}

/** Whether an object named by a service is the one the contract names for it in this job. */
export function isOwnObject(
  jobId: string,
  service: string,
  object: string,
  dataset?: string,
): boolean {
  const expected =
    dataset === undefined
      ? collectedLogObjectName(jobId, service)
      : collectedObjectName(jobId, service, dataset);
  return object === expected;
}

function collectedDatasetsOf(service: JobServiceRecord): CollectedDataset[] {
  return (service.datasets ?? []).filter((d): d is CollectedDataset => 'object' in d);
}

function ownObjects(
  jobId: string,
  service: string,
  datasets: readonly CollectedDataset[],
  logs: CollectedLogs | undefined,
): string[] {
  const objects = datasets
    .filter((d) => isOwnObject(jobId, service, d.object, d.name))
    .map((d) => d.object);
  if (logs?.object !== undefined && isOwnObject(jobId, service, logs.object)) {
    objects.push(logs.object);
  }
  return objects;
}

/** Every service answered and the job still runs: an export now needs its archive. */
export function awaitsArchive(state: JobState): boolean {
  return (
    state.job.kind === 'export' &&
    state.job.status === 'running' &&
    pendingServices(state).length === 0
  );
}

export function markRunning(state: JobState): JobState {
  if (state.job.status !== 'queued') {
    return state;
  }
  return { ...state, job: { ...state.job, status: 'running' } };
}

/**
 * Applies one service's answer, only while that service is pending: a redelivered or duplicated
 * result, or one arriving after the deadline failed the service, changes nothing. An erasure is
 * complete once every service answered; an export still needs its archive (`completeExport`).
 */
export function applyResult(
  state: JobState,
  result: GdprResult,
  now: Date,
): { state: JobState; outcome: ResultOutcome } {
  if (result.kind !== resultKindOf[state.job.kind]) {
    return { state, outcome: 'wrong-kind' };
  }
  const current = state.services.find((s) => s.service === result.service);
  if (!current) {
    return { state, outcome: 'unknown-service' };
  }
  if (current.status !== 'pending' || isFinished(state)) {
    return { state, outcome: 'not-pending' };
  }
  const answered: JobServiceRecord = {
    ...current,
    status: 'completed',
    records: countRecords(result),
    answeredAt: now,
    datasets: result.datasets,
    logs: result.kind === 'collect' ? (result.logs ?? null) : null,
  };
  let next: JobState = {
    job: state.job,
    services: state.services.map((s) => (s === current ? answered : s)),
  };
  if (next.job.kind === 'erasure' && pendingServices(next).length === 0) {
    next = finish(next, 'completed', null, now);
  }
  return { state: next, outcome: 'applied' };
}

/** Marks an export completed once its archive is written; anything else is left as it is. */
export function completeExport(state: JobState, now: Date): JobState {
  return awaitsArchive(state) ? finish(state, 'completed', null, now) : state;
}

/**
 * Fails a job past its deadline that still waits for a service, naming every silent service and
 * since when it was waited for. A job whose services all answered is not failed here.
 */
export function failOverdue(state: JobState, now: Date): JobState {
  const silent = pendingServices(state);
  if (isFinished(state) || state.job.deadlineAt.getTime() > now.getTime() || silent.length === 0) {
    return state;
  }
  const error =
    'no answer from: ' +
    silent.map((s) => `${s.service} (waiting since ${s.waitingSince.toISOString()})`).join(', ');
  const failed: JobState = {
    job: state.job,
    services: state.services.map((s) => (s.status === 'pending' ? { ...s, status: 'failed' } : s)),
  };
  return finish(failed, 'failed', error, now);
}

/** Fails an unfinished job for a reason of its own (e.g. the archive could not be written). */
export function failJob(state: JobState, error: string, now: Date): JobState {
  return isFinished(state) ? state : finish(state, 'failed', error, now);
}

function finish(
  state: JobState,
  status: 'completed' | 'failed',
  error: string | null,
  now: Date,
): JobState {
  return {
    ...state,
    // The JID in clear was needed only to ask the services and to write the manifest. A finished
    // job keeps only the keyed hash, so the jobs table does not become a list of whose data was
    // exported or erased (an erased JID in clear would defeat the erasure itself).
    job: { ...state.job, status, error, finishedAt: now, subjectJid: null },
  };
}

function countRecords(result: GdprResult): number {
  switch (result.kind) {
    case 'collect':
      return result.datasets.reduce((sum, d) => sum + d.rows, 0);
    case 'forget':
      return result.datasets.reduce((sum, d) => sum + d.deleted, 0);
  }
}
