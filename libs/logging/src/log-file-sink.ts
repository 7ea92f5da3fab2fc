import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import SonicBoom from 'sonic-boom';
import { deleteSegmentsOlderThan, isMissing, segmentName } from './log-segments';

export interface LogFileSinkOptions {
  /** The service's own directory, `<LOG_DIR>/<service>`. */
  directory: string;
  maxFileBytes: number;
  retentionMs: number;
}

const DAY_MS = 24 * 3600 * 1000;
// A slow disk must not make the process grow without bound: lines past this are dropped.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
// How often the sink looks whether its file was replaced (another replica's erasure rewrote it).
const REPLACED_CHECK_MS = 1000;
const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * Appends one process's log lines to a file of its own, `<directory>/<start ms>-<pid>.log`,
 * buffered and written asynchronously (sonic-boom), never one synchronous write per line.
 *
 * A file is closed and a new one started when it passes `maxFileBytes` or is a day old, so that
 * deleting whole files whose last line is older than `retentionMs` keeps no line much longer.
 */
export class LogFileSink {
  private readonly file: SonicBoom;
  private path = '';
  private startedAt = 0;
  private bytes = 0;
  private inode: number | undefined;
  private held: string[] | undefined;
  private heldBytes = 0;
  private dropped = 0;
  private failed = false;
  private closed = false;
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[];

  constructor(private readonly options: LogFileSinkOptions) {
    // Logs may hold pseudonyms: readable by the service's user only.
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    this.nextSegment();
    this.file = new SonicBoom({
      dest: this.path,
      mode: 0o600,
      maxLength: MAX_BUFFERED_BYTES,
      sync: false,
    });
    this.file.on('ready', () => void this.recordInode());
    this.file.on('drop', () => {
      if (this.dropped++ === 0) {
        process.stderr.write('log store: the disk does not keep up; dropping lines\n');
      }
    });
    this.file.on('drain', () => this.reportDropped());
    this.file.on('error', (error: NodeJS.ErrnoException) => {
      // The service goes on with stdout only; it does not stop for its log file.
      this.failed = true;
      process.stderr.write(`log store: writing failed (${error.code ?? error.name}); stopped\n`);
    });
    this.timers = [
      setInterval(() => void this.reopenIfReplaced(), REPLACED_CHECK_MS),
      setInterval(() => void this.prune(), PRUNE_EVERY_MS),
    ];
    this.timers.forEach((timer) => timer.unref());
    void this.prune();
  }

  /** The file being written now. */
  get currentPath(): string {
    return this.path;
  }

  /** Appends one line (ending in `\n`). */
  write(line: string): void {
    if (this.failed || this.closed) {
      return;
    }
    if (this.held) {
      if (this.heldBytes + line.length > MAX_BUFFERED_BYTES) {
        this.dropped++;
        return;
      }
      this.held.push(line);
      this.heldBytes += line.length;
      return;
    }
    this.file.write(line);
    this.bytes += Buffer.byteLength(line);
    if (this.bytes >= this.options.maxFileBytes || Date.now() - this.startedAt >= this.maxAgeMs) {
      this.rotate();
    }
  }

  /** Resolves once every line written so far is in the file. */
  flush(): Promise<void> {
    if (this.failed || this.closed) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) =>
      this.file.flush((error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * Runs `task` while nothing is appended to the current file: lines logged meanwhile are held
   * and written once it is done, to the same path (reopened, since `task` may have replaced the
   * file). Calls are serialised.
   */
  whilePaused<T>(task: (currentPath: string) => Promise<T>): Promise<T> {
    const run = this.exclusive.then(async () => {
      this.held = [];
      try {
        await this.flush();
        return await task(this.path);
      } finally {
        await this.resume();
      }
    });
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /** Writes what is buffered synchronously: for the process's last moments. */
  flushSync(): void {
    if (this.failed || this.closed) {
      return;
    }
    for (const line of this.held ?? []) {
      this.file.write(line);
    }
    this.held = undefined;
    try {
      this.file.flushSync();
    } catch {
      // Not open yet: there was nothing to lose.
    }
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.timers.forEach((timer) => clearInterval(timer));
    await this.exclusive;
    await this.flush().catch(() => undefined);
    this.closed = true;
    if (!this.failed) {
      const closed = once(this.file, 'close');
      this.file.end();
      await closed;
    }
  }

  private get maxAgeMs(): number {
    return Math.min(DAY_MS, this.options.retentionMs);
  }

  private nextSegment(): void {
    // Strictly later than the previous one, so two segments of a process never share a name.
    this.startedAt = Math.max(Date.now(), this.startedAt + 1);
    this.path = join(this.options.directory, segmentName(this.startedAt, process.pid));
    this.bytes = 0;
  }

  private rotate(): void {
    this.nextSegment();
    this.inode = undefined;
    this.file.reopen(this.path);
    void this.prune();
  }

  private async resume(): Promise<void> {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldBytes = 0;
    if (!this.failed && !this.closed) {
      const ready = once(this.file, 'ready');
      this.inode = undefined;
      this.file.reopen();
      await ready;
    }
    for (const line of held) {
      this.write(line);
    }
    this.reportDropped();
  }

  private reportDropped(): void {
    if (this.dropped > 0 && !this.held) {
      const dropped = this.dropped;
      this.dropped = 0;
      this.write(`${new Date().toISOString()}    WARN [log-store] ${dropped} line(s) dropped\n`);
    }
  }

  private async recordInode(): Promise<void> {
    try {
      this.inode = (await stat(this.path)).ino;
    } catch {
      this.inode = undefined;
    }
  }

  // Another process's erasure may rename a rewritten copy over this file, or the retention sweep
  // may delete it after a long silence: lines would then go to a file nobody can see.
  private async reopenIfReplaced(): Promise<void> {
    if (this.failed || this.closed || this.held || this.inode === undefined) {
      return;
    }
    const expected = this.inode;
    let current: number | undefined;
    try {
      current = (await stat(this.path)).ino;
    } catch (error) {
      if (!isMissing(error)) {
        return;
      }
    }
    if (current !== expected && this.inode === expected && !this.held && !this.closed) {
      this.inode = undefined;
      this.file.reopen();
    }
  }

  private async prune(): Promise<void> {
    try {
      await deleteSegmentsOlderThan(this.options.directory, Date.now() - this.options.retentionMs);
    } catch (error) {
      process.stderr.write(
        `log store: deleting old files failed (${(error as NodeJS.ErrnoException).code})\n`,
      );
    }
  }
}
