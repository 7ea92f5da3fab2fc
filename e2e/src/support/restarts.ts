import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { repoRoot, startService } from './processes';

/**
 * Stopping and starting the platform's own processes from a test. A process this run started is
 * a child of the set-up, or carries `SOTTO_E2E_SETUP=<setupPid>` when a test started it to stand
 * in for one it stopped (it outlives the test's worker; the set-up's teardown ends it). Anything
 * else on the machine (a developer's `pnpm start`) is never touched.
 */
export interface RunningService {
  pid: number;
  /** The environment it was started with, to start its replacement alike. */
  env: Record<string, string>;
}

/** The processes of this run that run `apps/<name>/dist/main.js`. */
export function runningService(name: string): RunningService[] {
  const setupPid = inject('setupPid');
  const main = resolve(repoRoot, `apps/${name}/dist/main.js`);
  const found: RunningService[] = [];
  for (const entry of readdirSync('/proc').filter((pid) => /^\d+$/.test(pid))) {
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(main)) {
        continue;
      }
      const env = environOf(entry);
      // The parent pid is the 2nd field after the command name, which is in parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === setupPid || env.SOTTO_E2E_SETUP === String(setupPid)) {
        found.push({ pid: Number(entry), env });
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Stops them the way an operator would (SIGTERM) and waits until they are gone. */
export async function stopRunning(processes: RunningService[]): Promise<void> {
  for (const { pid } of processes) {
    process.kill(pid, 'SIGTERM');
  }
  for (let wait = 0; wait < 100 && processes.some(({ pid }) => isRunning(pid)); wait++) {
    await sleep(100);
  }
  const stuck = processes.filter(({ pid }) => isRunning(pid));
  if (stuck.length > 0) {
    throw new Error(`still running after SIGTERM: ${stuck.map(({ pid }) => pid).join(', ')}`);
  }
}

/** Starts `apps/<name>` again with `env` (a stopped copy's), left running for later files. */
export function startAgain(name: string, env: Record<string, string>): ChildProcess {
  return startService(name, `${name}-restarted`, {
    ...env,
    SOTTO_E2E_SETUP: String(inject('setupPid')),
  });
}

function environOf(pid: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) is gone for our purposes.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}
