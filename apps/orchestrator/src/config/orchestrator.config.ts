import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';

const orchestratorConfigSchema = z.object({
  ...commonConfig,
  ORCHESTRATOR_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_orchestrator@127.0.0.1:5432/sotto_orchestrator'),
  ORCHESTRATOR_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  ORCHESTRATOR_HTTP_PORT: intVar(8088, 1, 65535),
  // No default on purpose: an admin API must never start open or with a guessable token.
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters'),
  // Keys the tombstones and the subject hashes of jobs and audit entries; losing it means an
  // erased JID could be registered again, so it must be stable across restarts.
  TOMBSTONE_KEY: z.string().min(16, 'TOMBSTONE_KEY must be at least 16 characters'),
  GDPR_JOB_DEADLINE_MS: intVar(600_000, 1000),
  EXPORT_DIR: z.string().min(1).default('.sotto/exports'),
  EXPORT_RETENTION_HOURS: intVar(24, 1),
});

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;

/** Injection token of the service's `OrchestratorConfig`. */
export const ORCHESTRATOR_CONFIG = Symbol('OrchestratorConfig');

export function loadOrchestratorConfig(env: NodeJS.ProcessEnv = process.env): OrchestratorConfig {
  return loadConfig(orchestratorConfigSchema, env);
}
