import { Presets, SingleBar } from 'cli-progress';
import { answered, type Job } from './job.schema';

/** Shows a running job to the operator on stderr. */
export interface JobProgress {
  update(job: Job): void;
  stop(): void;
}

export type ErrorStream = NodeJS.WritableStream & { isTTY?: boolean };

/** A bar on a terminal; elsewhere (CI, logs, pipes) one line whenever the line would change. */
export function jobProgress(stderr: ErrorStream): JobProgress {
  return stderr.isTTY === true ? new BarProgress(stderr) : new LineProgress(stderr);
}

/** e.g. `running, 2/5 services answered, waiting for roster since 2025-01-31T12:00:00.000Z`. */
export function progressLine(job: Job): string {
  const { answered: done, total } = answered(job);
  const waiting = Object.entries(job.services)
    .filter(([, service]) => service.status === 'pending' && service.waitingSince)
    .map(([name, service]) => `${name} since ${service.waitingSince}`);
  return [
    job.status,
    `${done}/${total} services answered`,
    ...(waiting.length > 0 ? [`waiting for ${waiting.join(', ')}`] : []),
  ].join(', ');
}

class LineProgress implements JobProgress {
  private last = '';

  constructor(private readonly stderr: ErrorStream) {}

  update(job: Job): void {
    const line = `${job.kind} ${job.id}: ${progressLine(job)}`;
    if (line !== this.last) {
      this.last = line;
      this.stderr.write(line + '\n');
    }
  }

  stop(): void {}
}

class BarProgress implements JobProgress {
  private readonly bar: SingleBar;
  private started = false;

  constructor(stderr: ErrorStream) {
    this.bar = new SingleBar(
      {
        stream: stderr,
        format: '{kind} [{bar}] {answered}/{services} services | {state}',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
  }

  update(job: Job): void {
    const { answered: done, total } = answered(job);
    const payload = { kind: job.kind, answered: done, services: total, state: job.status };
    // A queued job may not list its services yet; the bar needs a total above zero.
    const barTotal = Math.max(total, 1);
    if (this.started) {
      this.bar.setTotal(barTotal);
      this.bar.update(done, payload);
    } else {
      this.bar.start(barTotal, done, payload);
      this.started = true;
    }
  }

  stop(): void {
    if (this.started) {
      this.bar.stop();
      this.started = false;
    }
  }
}
