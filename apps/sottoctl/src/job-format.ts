import { answered, type DatasetResult, type Job, type ServiceProgress } from './job.schema';

/** `sottoctl jobs`: one row per job under a header, columns aligned. */
export function formatJobsTable(jobs: Job[]): string {
  if (jobs.length === 0) {
    return 'no jobs\n';
  }
  const rows = [
    ['ID', 'KIND', 'STATUS', 'CREATED'],
    ...jobs.map((job) => [job.id, job.kind, job.status, job.createdAt]),
  ];
  return table(rows).join('\n') + '\n';
}

/** `sottoctl job ID`: the job, then per service its progress and datasets. */
export function formatJob(job: Job): string {
  const { answered: done, total } = answered(job);
  const fields = [
    ['id', job.id],
    ['kind', job.kind],
    ['status', job.status],
    ['created', job.createdAt],
    ['finished', job.finishedAt ?? '-'],
    ...(job.error ? [['error', job.error]] : []),
    ['services', `${done}/${total} answered`],
  ];
  return [...table(fields), ...serviceLines(job)].join('\n') + '\n';
}

/** `sottoctl unregister`: what each service deleted, and what it kept and why. */
export function formatErasureReport(job: Job): string {
  let deleted = 0;
  let kept = 0;
  for (const service of Object.values(job.services)) {
    for (const dataset of service.datasets ?? []) {
      deleted += dataset.deleted ?? 0;
      kept += dataset.kept ?? 0;
    }
  }
  const summary = `erasure ${job.id} ${job.status}: ${deleted} ${plural(deleted, 'record')} deleted, ${kept} kept because shared with others`;
  return [summary, ...serviceLines(job)].join('\n') + '\n';
}

function serviceLines(job: Job): string[] {
  const services = Object.entries(job.services).sort(([a], [b]) => a.localeCompare(b));
  const nameWidth = Math.max(0, ...services.map(([name]) => name.length));
  return services.flatMap(([name, service]) => [
    `  ${name.padEnd(nameWidth)}  ${serviceSummary(job, service)}`,
    ...datasetLines(job, service.datasets ?? []),
  ]);
}

function serviceSummary(job: Job, service: ServiceProgress): string {
  if (service.status === 'pending') {
    return service.waitingSince ? `pending, waiting since ${service.waitingSince}` : 'pending';
  }
  const verb = job.kind === 'export' ? 'collected' : 'deleted';
  return `${service.status}, ${service.records} ${plural(service.records, 'record')} ${verb}`;
}

function datasetLines(job: Job, datasets: DatasetResult[]): string[] {
  const rows = datasets.map((dataset) => [dataset.name, datasetSummary(job, dataset)]);
  return table(rows).map((line) => `      ${line}`);
}

function datasetSummary(job: Job, dataset: DatasetResult): string {
  if (job.kind === 'export') {
    const rows = dataset.rows ?? 0;
    return `${rows} ${plural(rows, 'row')}`;
  }
  const kept = dataset.kept ?? 0;
  const reason = kept > 0 && dataset.keptReason ? ` (${dataset.keptReason})` : '';
  return `deleted ${dataset.deleted ?? 0}, kept ${kept}${reason}`;
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '),
  );
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
