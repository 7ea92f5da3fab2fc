import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal, type Job } from './job.schema';
import type { JobProgress } from './job-progress';

export const POLL_INTERVAL_MS = 500;

/** Polls the job until it completes or fails, showing each state; returns the final one. */
export async function waitForJob(
  job: Job,
  getJob: (id: string) => Promise<Job>,
  progress: JobProgress,
  intervalMs = POLL_INTERVAL_MS,
): Promise<Job> {
  let current = job;
  try {
    progress.update(current);
    while (!isTerminal(current)) {
      await sleep(intervalMs);
      current = await getJob(current.id);
      progress.update(current);
    }
    return current;
  } finally {
    progress.stop();
  }
}
