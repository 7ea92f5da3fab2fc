import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = resolve(__dirname, '../../..');
export const logDir = resolve(repoRoot, '.sotto/e2e-logs');

/** Starts a built service (`apps/<name>/dist/main.js`) with its output in .sotto/e2e-logs. */
export function startService(
  name: string,
  logName: string,
  env: Record<string, string>,
): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  // The child writes to the log file itself: a service a test restarts outlives the test worker,
  // and output piped through that worker would kill it with EPIPE once the worker exits.
  const log = openSync(resolve(logDir, `${logName}.log`), 'a');
  try {
    return spawn(process.execPath, [resolve(repoRoot, `apps/${name}/dist/main.js`)], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  await exited;
}
