import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { startService, stopProcess, waitForPort } from './processes';

export interface OrchestratorEndpoints {
  http: string;
  grpc: string;
  token: string;
}

export const E2E_ORCHESTRATOR_DATABASE = 'sotto_orchestrator_e2e';
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The e2e run gets an orchestrator database of its own, made anew each run: services that tests
 * register (and stop) must not stay registered in a developer's platform.
 */
export async function resetOrchestratorDatabase(): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${E2E_ORCHESTRATOR_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${E2E_ORCHESTRATOR_DATABASE} OWNER sotto_orchestrator`);
  } finally {
    await client.end();
  }
  return `postgres://sotto_orchestrator@127.0.0.1:5432/${E2E_ORCHESTRATOR_DATABASE}`;
}

export const orchestratorSecrets = {
  ADMIN_TOKEN: randomBytes(24).toString('base64url'),
  TOMBSTONE_KEY: randomBytes(24).toString('base64url'),
};

export async function startOrchestrator(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ endpoints: OrchestratorEndpoints; process: ChildProcess; stop: () => Promise<void> }> {
  const httpPort = 18088;
  const grpcPort = 15051;
  const child = startService('orchestrator', 'orchestrator', {
    ...orchestratorSecrets,
    ORCHESTRATOR_DATABASE_URL: databaseUrl,
    ORCHESTRATOR_HTTP_PORT: String(httpPort),
    ORCHESTRATOR_GRPC_PORT: String(grpcPort),
    GDPR_JOB_DEADLINE_MS: '15000',
    EXPORT_DIR: '.sotto/e2e-exports',
    LOG_LEVEL: 'warning',
    ...env,
  });
  await Promise.all([waitForPort(httpPort), waitForPort(grpcPort)]);
  return {
    endpoints: {
      http: `http://127.0.0.1:${httpPort}/api/v1`,
      grpc: `127.0.0.1:${grpcPort}`,
      token: orchestratorSecrets.ADMIN_TOKEN,
    },
    process: child,
    stop: () => stopProcess(child),
  };
}
