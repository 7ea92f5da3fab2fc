import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { FEATURES_BUCKET } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import { startGateway, type GatewayEndpoints } from '../support/gateways';
import {
  resetOrchestratorDatabase,
  startOrchestrator,
  type OrchestratorEndpoints,
} from '../support/orchestrator';
import { repoRoot, startService, stopProcess } from '../support/processes';
// The same list `pnpm start` runs, so a new service is tested as soon as it is added there.
import { databaseUrl, services } from '../../../scripts/services.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    gateways: GatewayEndpoints[];
    orchestrator: OrchestratorEndpoints;
    orchestratorDatabaseUrl: string;
    /** Pid of the set-up: its services are its children; see `stopLeftovers`. */
    setupPid: number;
    /** Every service's log files (`LOG_DIR`) and the key of their pseudonyms. */
    serviceLogs: { directory: string; pseudonymKey: string };
  }
}

interface ServiceEntry {
  name: string;
  database?: string;
  migrate?: string;
  main: string;
  features?: boolean;
  /** A request/reply subject the service serves: ready once it answers (even with an error). */
  readySubject?: string;
  /** Settings added to the service's environment in the e2e run only. */
  e2eEnv?: Record<string, string>;
}

function runScript(script: string, env: Record<string, string> = {}): void {
  const run = spawnSync(process.execPath, [resolve(repoRoot, script)], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (run.status !== 0) {
    throw new Error(`${script} failed: ${run.stderr || run.stdout}`);
  }
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${what} did not come up`);
}

/** Waits until accounts answers and every feature service has published its features. */
async function waitForServices(entries: ServiceEntry[]): Promise<void> {
  const nats = await NatsClient.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'e2e-setup',
  });
  try {
    await until('accounts', async () => {
      await nats.request('accounts.exists', { jid: 'probe@localhost' }, 1000);
      return true;
    });
    const kv = await nats.kv(FEATURES_BUCKET, { history: 1 });
    for (const entry of entries.filter((e) => e.features)) {
      await until(entry.name, async () => (await kv.get(entry.name))?.operation === 'PUT');
    }
    for (const entry of entries.filter((e) => e.readySubject)) {
      await until(entry.name, async () => {
        await nats.connection.request(entry.readySubject!, new Uint8Array(), { timeout: 1000 });
        return true;
      });
    }
  } finally {
    await nats.connection.close();
  }
}

/**
 * Services a test started to stand in for one it stopped, left running for the files after it
 * (they outlive the test's worker): each carries `SOTTO_E2E_SETUP=<setupPid>` and ends here.
 */
async function stopLeftovers(): Promise<void> {
  const marker = `SOTTO_E2E_SETUP=${process.pid}`;
  const leftovers = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
  for (const pid of leftovers) {
    process.kill(pid, 'SIGTERM');
  }
  for (let wait = 0; wait < 50 && leftovers.some(isRunning); wait++) {
    await new Promise((done) => setTimeout(done, 100));
  }
  leftovers.filter(isRunning).forEach((pid) => process.kill(pid, 'SIGKILL'));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One real platform for the whole e2e run: every service, the orchestrator and two gateways. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const entries = services as ServiceEntry[];
  // Every process started from here or from a test inherits these: one pseudonym key, so a test
  // can find a user's lines, and log files of this run only.
  const serviceLogs = {
    directory: resolve(repoRoot, '.sotto/e2e-service-logs'),
    pseudonymKey: randomBytes(24).toString('base64url'),
  };
  rmSync(serviceLogs.directory, { recursive: true, force: true });
  process.env.LOG_DIR = serviceLogs.directory;
  process.env.LOG_PSEUDONYM_KEY = serviceLogs.pseudonymKey;
  project.provide('serviceLogs', serviceLogs);
  const features = await NatsClient.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'e2e-reset',
  });
  // Features of services from earlier runs that are not running now must not linger.
  const kv = await features.kv(FEATURES_BUCKET, { history: 1 });
  for (const entry of entries.filter((e) => e.features)) {
    await kv.delete(entry.name).catch(() => undefined);
  }
  await features.connection.close();

  runScript('scripts/db-setup.mjs');
  const orchestratorDatabaseUrl = await resetOrchestratorDatabase();
  const ownDatabase = (entry: ServiceEntry): Record<string, string> => ({
    [`${entry.name.toUpperCase()}_DATABASE_URL`]:
      entry.name === 'orchestrator' ? orchestratorDatabaseUrl : databaseUrl(entry),
  });
  for (const entry of entries.filter((e) => e.migrate)) {
    runScript(entry.migrate!, ownDatabase(entry));
  }
  const plain = entries.filter((e) => e.name !== 'gateway' && e.name !== 'orchestrator');
  const processes: ChildProcess[] = plain.map((entry) =>
    startService(entry.name, entry.name, {
      LOG_LEVEL: 'warning',
      ...ownDatabase(entry),
      ...entry.e2eEnv,
    }),
  );
  try {
    await waitForServices(plain);
    const [orchestrator, ...gateways] = await Promise.all([
      // Off by default; on here so that the exports of the e2e tests also go through the
      // export tail (datasets it does not give are read from the object store as usual).
      startOrchestrator(orchestratorDatabaseUrl, { EXPORT_BUILD_WHILE_COLLECTING: 'true' }),
      startGateway('gateway-a', 15280, 15222),
      startGateway('gateway-b', 15281, 15223),
    ]);
    processes.push(orchestrator.process, ...gateways.map((gateway) => gateway.process));
    project.provide('orchestrator', orchestrator.endpoints);
    project.provide('orchestratorDatabaseUrl', orchestratorDatabaseUrl);
    project.provide('setupPid', process.pid);
    project.provide(
      'gateways',
      gateways.map((gateway) => gateway.endpoints),
    );
  } catch (error) {
    await Promise.all(processes.map((child) => stopProcess(child)));
    throw error;
  }
  return async () => {
    await Promise.all(processes.map((child) => stopProcess(child)));
    await stopLeftovers();
  };
}
