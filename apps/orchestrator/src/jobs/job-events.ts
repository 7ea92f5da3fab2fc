import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** In-process notice that a job changed, so a watcher need not poll the database every moment. */
@Injectable()
export class JobEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  changed(jobId: string): void {
    this.emitter.emit(jobId);
  }

  /**
   * Resolves at the next change of the job, or after `timeoutMs` at the latest: another replica
   * may have changed it without telling this process. Call `cancel` when no longer waiting.
   */
  next(jobId: string, timeoutMs: number): { changed: Promise<void>; cancel: () => void } {
    let cancel = (): void => undefined;
    const changed = new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.emitter.off(jobId, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.on(jobId, done);
      cancel = done;
    });
    return { changed, cancel };
  }
}
