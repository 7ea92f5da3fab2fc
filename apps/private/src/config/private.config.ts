import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';

const privateConfigSchema = z.object({
  ...commonConfig,
  PRIVATE_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_private@127.0.0.1:5432/sotto_private'),
  // Most bytes stored under one namespace of one account; at most what the bus carries for one IQ.
  PRIVATE_MAX_BYTES: intVar(65536, 256, 1_048_576),
});

export type PrivateConfig = z.infer<typeof privateConfigSchema>;

/** Injection token of the service's `PrivateConfig`. */
export const PRIVATE_CONFIG = Symbol('PrivateConfig');

export function loadPrivateConfig(env: NodeJS.ProcessEnv = process.env): PrivateConfig {
  return loadConfig(privateConfigSchema, env);
}
