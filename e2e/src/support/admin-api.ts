import { inject } from 'vitest';

export interface AdminResponse<T = unknown> {
  status: number;
  body: T;
}

export interface JobView {
  id: string;
  kind: 'export' | 'erasure';
  status: 'queued' | 'running' | 'completed' | 'failed';
  services: Record<
    string,
    {
      status: string;
      records: number;
      waitingSince?: string;
      datasets?: {
        name: string;
        rows?: number;
        deleted?: number;
        kept?: number;
        keptReason?: string;
      }[];
    }
  >;
  error?: string;
  createdAt: string;
  finishedAt: string | null;
}

/** The orchestrator's HTTP API as a compliance officer's tool would call it. */
export async function admin<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = inject('orchestrator').token,
): Promise<AdminResponse<T>> {
  const response = await fetch(inject('orchestrator').http + path, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json')
    ? ((await response.json()) as T)
    : (Buffer.from(await response.arrayBuffer()) as T);
  return { status: response.status, body: parsed };
}

/** Polls a job until `done` says so (or the timeout passes), returning the last view. */
export async function waitForJob(
  id: string,
  done: (job: JobView) => boolean = (job) => job.status === 'completed' || job.status === 'failed',
  timeoutMs = 20_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await admin<JobView>('GET', `/jobs/${id}`);
    if (done(body) || Date.now() > deadline) {
      return body;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
