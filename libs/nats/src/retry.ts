/** Resolves after `ms`, or at once when `signal` aborts (shutdown must not wait for a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** 0.5 s, 1 s, 2 s … up to 30 s, jittered so that replicas do not retry in step. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(500 * 2 ** attempt, 30_000);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/**
 * Runs `task` until it succeeds, waiting `backoffMs` between attempts and telling `onFailure` of
 * each failure. Returns `undefined` when `signal` aborts first.
 */
export async function retry<T>(
  task: () => Promise<T>,
  signal: AbortSignal,
  onFailure: (error: unknown) => void,
): Promise<T | undefined> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (signal.aborted) {
        break;
      }
      onFailure(error);
      await sleep(backoffMs(attempt), signal);
    }
  }
  return undefined;
}

// Only the error's type: driver messages may quote the data they failed on (a JID, a row).
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
