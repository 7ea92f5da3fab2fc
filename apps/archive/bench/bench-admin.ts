import type { Platform } from './bench-platform';

export interface JobView {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  error?: string;
  services: Record<
    string,
    {
      status: string;
      records: number;
      datasets?: { name: string; deleted?: number; kept?: number; keptReason?: string }[];
    }
  >;
}

/** The orchestrator's HTTP API, as a compliance officer's tool calls it. */
/**
 * How often a job is polled: often enough to time it to a tenth of a second, seldom enough not
 * to take the CPU from the work being timed (the orchestrator and the database answer each poll).
 */
const POLL_MS = 100;

export class AdminApi {
  constructor(private readonly platform: Pick<Platform, 'http' | 'token'>) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(this.platform.http + path, {
      method,
      headers: {
        authorization: `Bearer ${this.platform.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  /** Downloads an export archive to its end; its size in bytes. */
  async download(jobId: string): Promise<number> {
    const response = await fetch(`${this.platform.http}/exports/${jobId}/archive`, {
      headers: { authorization: `Bearer ${this.platform.token}` },
    });
    if (response.status !== 200 || response.body === null) {
      throw new Error(`the archive of job ${jobId} answered ${response.status}`);
    }
    let bytes = 0;
    for await (const chunk of response.body) {
      bytes += (chunk as Uint8Array).length;
    }
    return bytes;
  }

  /**
   * Polls a job until it ends; also notes when the archive service's part was done, so the
   * archive's share and the orchestrator's can be told apart.
   */
  async waitForJob(
    jobId: string,
    started: number,
    timeoutMs = 15 * 60_000,
  ): Promise<{ job: JobView; archiveDoneMs: number | undefined; doneMs: number }> {
    let archiveDoneMs: number | undefined;
    for (;;) {
      const { body: job } = await this.call<JobView>('GET', `/jobs/${jobId}`);
      const now = performance.now();
      if (archiveDoneMs === undefined && job.services.archive?.status === 'completed') {
        archiveDoneMs = now - started;
      }
      if (job.status === 'completed' || job.status === 'failed') {
        return { job, archiveDoneMs, doneMs: now - started };
      }
      if (now - started > timeoutMs) {
        throw new Error(`job ${jobId} did not end within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
