import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';

const offlineConfigSchema = z.object({
  ...commonConfig,
  OFFLINE_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_offline@127.0.0.1:5432/sotto_offline'),
  /** Messages stored for one user at most; a message beyond it is bounced (XEP-0160 §2). */
  OFFLINE_QUOTA: intVar(1000, 1, 100_000),
  /** Days a stored message waits for its recipient before it is deleted; 0 keeps it until then. */
  OFFLINE_EXPIRY_DAYS: intVar(30, 0, 36_500),
});

export type OfflineConfig = z.infer<typeof offlineConfigSchema>;

/** Injection token of the service's `OfflineConfig`. */
export const OFFLINE_CONFIG = Symbol('OfflineConfig');

export function loadOfflineConfig(env: NodeJS.ProcessEnv = process.env): OfflineConfig {
  return loadConfig(offlineConfigSchema, env);
}
