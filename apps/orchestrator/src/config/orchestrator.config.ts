import { z } from 'zod';
import { boolVar, commonConfig, intVar, loadConfig } from '@sotto/config';
import { GDPR_EXPORTS_TTL_MS } from '@sotto/gdpr';

const databaseConfig = {
  ORCHESTRATOR_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_orchestrator@127.0.0.1:5432/sotto_orchestrator'),
};

const orchestratorConfigSchema = z.object({
  ...commonConfig,
  ...databaseConfig,
  ORCHESTRATOR_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  ORCHESTRATOR_HTTP_PORT: intVar(8088, 1, 65535),
  // No default on purpose: an admin API must never start open or with a guessable token.
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters'),
  // Keys the tombstones and the subject hashes of jobs and audit entries; losing it means an
  // erased JID could be registered again, so it must be stable across restarts.
  TOMBSTONE_KEY: z.string().min(16, 'TOMBSTONE_KEY must be at least 16 characters'),
  // Collected rows expire from the object store after GDPR_EXPORTS_TTL_MS: a job must end well before.
  GDPR_JOB_DEADLINE_MS: intVar(600_000, 1000, GDPR_EXPORTS_TTL_MS / 2),
  EXPORT_DIR: z.string().min(1).default('.sotto/exports'),
  EXPORT_RETENTION_HOURS: intVar(24, 1),
  // Build an export's files from the rows while the services still write them (ExportTail).
  // Off where the orchestrator shares few cores with the services and the database: there it
  // takes CPU from the collect, which must finish anyway (docs/benchmarks.md).
  // Off by default: on two cores shared with the services it made exports slower (see
  // docs/benchmarks.md); on where the orchestrator has cores of its own.
  EXPORT_BUILD_WHILE_COLLECTING: boolVar(false),
});

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;

/** Injection token of the service's `OrchestratorConfig`. */
export const ORCHESTRATOR_CONFIG = Symbol('OrchestratorConfig');

export function loadOrchestratorConfig(env: NodeJS.ProcessEnv = process.env): OrchestratorConfig {
  return loadConfig(orchestratorConfigSchema, env);
}

/** Only the database URL: migrating needs none of the service's secrets. */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return loadConfig(z.object(databaseConfig), env).ORCHESTRATOR_DATABASE_URL;
}
