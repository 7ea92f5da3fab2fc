import { open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { flushOnExit } from './flush-on-exit';
import { LogFileSink } from './log-file-sink';
import { linesContaining, removeLinesContaining } from './log-lines';
import { isMissing, listSegments } from './log-segments';
import type { LogStoreSettings } from './log-store.settings';

// A process that died while rewriting leaves its lock behind; no rewrite takes this long.
const STALE_LOCK_MS = 10 * 60 * 1000;
const LOCK_RETRY_MS = 100;

/**
 * The log files of one service on this host (`<LOG_DIR>/<service>/`, one file per process at a
 * time), and the sink of this process when it writes there: what the GDPR worker searches for a
 * subject's pseudonym (export) and rewrites without it (erasure).
 */
export class LogStore {
  private serial: Promise<unknown> = Promise.resolve();

  constructor(
    readonly directory: string,
    private readonly sink?: LogFileSink,
  ) {}

  /** Appends one line (ending in `\n`) to this process's file; a store without sink ignores it. */
  append(line: string): void {
    this.sink?.write(line);
  }

  /** Every line, oldest file first, that contains `text`; lines logged until now included. */
  async *linesContaining(text: string): AsyncGenerator<string> {
    await this.sink?.flush();
    yield* linesContaining(await listSegments(this.directory), text);
  }

  /**
   * Rewrites every file of the service without the lines that contain `text`; returns how many
   * went. This process's current file is rewritten while its sink holds new lines back; the
   * files of other processes of the service are replaced, and their sinks reopen them. One
   * rewrite at a time in the directory, so two erasures never undo each other's.
   */
  removeLinesContaining(text: string): Promise<number> {
    const run = this.serial.then(() =>
      withDirectoryLock(this.directory, async () => {
        let removed = 0;
        for (const path of await listSegments(this.directory)) {
          if (path !== this.sink?.currentPath) {
            removed += await removeLinesContaining(path, text);
          }
        }
        if (this.sink) {
          removed += await this.sink.whilePaused((current) => removeLinesContaining(current, text));
        }
        return removed;
      }),
    );
    this.serial = run.catch(() => undefined);
    return run;
  }
}

let processStore: LogStore | undefined;

/**
 * The store this process writes to, made by the first call (`createServiceLogger`), or
 * undefined when the process keeps no log files.
 */
export function processLogStore(): LogStore | undefined {
  return processStore;
}

export function openProcessLogStore(service: string, settings: LogStoreSettings): LogStore {
  if (!processStore) {
    const directory = join(settings.directory, service);
    const sink = new LogFileSink({ ...settings, directory });
    flushOnExit(sink);
    processStore = new LogStore(directory, sink);
  }
  return processStore;
}

async function withDirectoryLock<T>(directory: string, task: () => Promise<T>): Promise<T> {
  const lock = join(directory, '.rewrite.lock');
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if (isMissing(error)) {
        // No directory: this service never logged a line here, so there is nothing to rewrite.
        return task();
      }
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      const since = await stat(lock).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - since > STALE_LOCK_MS) {
        await unlink(lock).catch(() => undefined);
      } else if (Date.now() > deadline) {
        throw new Error(`the log directory stayed locked for ${STALE_LOCK_MS} ms`);
      } else {
        await sleep(LOCK_RETRY_MS);
      }
    }
  }
  try {
    return await task();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
