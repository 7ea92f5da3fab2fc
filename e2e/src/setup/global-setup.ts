import { spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { NatsClient } from '@sotto/nats';
import { startGateway, type GatewayEndpoints } from '../support/gateways';
import {
  resetOrchestratorDatabase,
  startOrchestrator,
  type OrchestratorEndpoints,
} from '../support/orchestrator';
import { repoRoot, startService, stopProcess } from '../support/processes';

declare module 'vitest' {
  export interface ProvidedContext {
    gateways: GatewayEndpoints[];
    orchestrator: OrchestratorEndpoints;
    orchestratorDatabaseUrl: string;
  }
}

function runScript(script: string): void {
  const run = spawnSync(process.execPath, [resolve(repoRoot, script)], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new Error(`${script} failed: ${run.stderr || run.stdout}`);
  }
}

async function waitForAccounts(): Promise<void> {
  const nats = await NatsClient.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'e2e-setup',
  });
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await nats.request('accounts.exists', { jid: 'probe@localhost' }, 1000);
        return;
      } catch {
        await new Promise((done) => setTimeout(done, 200));
      }
    }
    throw new Error('the accounts service did not come up');
  } finally {
    await nats.connection.close();
  }
}

/** One real platform for the whole e2e run: accounts, the orchestrator and two gateways. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  runScript('scripts/db-setup.mjs');
  runScript('apps/accounts/dist/migrate.js');
  const orchestratorDatabaseUrl = await resetOrchestratorDatabase();
  runScript('apps/orchestrator/dist/migrate.js', {
    ORCHESTRATOR_DATABASE_URL: orchestratorDatabaseUrl,
  });
  const processes: ChildProcess[] = [
    startService('accounts', 'accounts', { LOG_LEVEL: 'warning' }),
  ];
  try {
    await waitForAccounts();
    const [orchestrator, ...gateways] = await Promise.all([
      startOrchestrator(orchestratorDatabaseUrl),
      startGateway('gateway-a', 15280, 15222),
      startGateway('gateway-b', 15281, 15223),
    ]);
    processes.push(orchestrator.process, ...gateways.map((gateway) => gateway.process));
    project.provide('orchestrator', orchestrator.endpoints);
    project.provide('orchestratorDatabaseUrl', orchestratorDatabaseUrl);
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
  };
}
