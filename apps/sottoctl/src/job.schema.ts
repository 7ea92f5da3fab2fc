import { z } from 'zod';

// What the orchestrator's HTTP API answers. Checked rather than trusted, so that a mismatched
// server gives one clear line instead of a TypeError deep in the formatting.

const count = z.number().int().min(0);

export const DatasetResult = z.object({
  name: z.string(),
  rows: count.nullish(),
  deleted: count.nullish(),
  kept: count.nullish(),
  keptReason: z.string().nullish(),
});
export type DatasetResult = z.infer<typeof DatasetResult>;

export const ServiceProgress = z.object({
  status: z.enum(['pending', 'completed', 'failed']),
  records: count,
  waitingSince: z.string().nullish(),
  datasets: z.array(DatasetResult).nullish(),
});
export type ServiceProgress = z.infer<typeof ServiceProgress>;

export const Job = z.object({
  id: z.string().min(1),
  kind: z.enum(['export', 'erasure']),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  services: z.record(z.string(), ServiceProgress),
  error: z.string().nullish(),
  createdAt: z.string(),
  finishedAt: z.string().nullish(),
});
export type Job = z.infer<typeof Job>;

/** `{job}` or the job itself: both spellings of the brief's `202 {job}`. */
export const JobResponse = z.union([z.object({ job: Job }).transform(({ job }) => job), Job]);

export const JobList = z.union([
  z.object({ jobs: z.array(Job) }).transform(({ jobs }) => jobs),
  z.array(Job),
]);

export const Registered = z.object({ jid: z.string().min(1), password: z.string().nullish() });
export type Registered = z.infer<typeof Registered>;

export function isTerminal(job: Job): boolean {
  return job.status === 'completed' || job.status === 'failed';
}

/** Services that have answered (completed or failed), of all the job waits for. */
export function answered(job: Job): { answered: number; total: number } {
  const services = Object.values(job.services);
  return {
    answered: services.filter((service) => service.status !== 'pending').length,
    total: services.length,
  };
}
