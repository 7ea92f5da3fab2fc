import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';

const archiveConfigSchema = z.object({
  ...commonConfig,
  ARCHIVE_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_archive@127.0.0.1:5432/sotto_archive'),
  // Messages older than this many days are deleted; 0 keeps them for ever (XEP-0313 §3.2 allows
  // dropping the oldest messages only, which an age limit does).
  ARCHIVE_RETENTION_DAYS: intVar(0, 0, 36_500),
  // Accepted messages written per INSERT: larger batches catch up faster after a restart,
  // smaller ones hold fewer unacknowledged messages.
  ARCHIVE_BATCH_SIZE: intVar(200, 1, 1000),
});

export type ArchiveConfig = z.infer<typeof archiveConfigSchema>;

/** Injection token of the service's `ArchiveConfig`. */
export const ARCHIVE_CONFIG = Symbol('ArchiveConfig');

export function loadArchiveConfig(env: NodeJS.ProcessEnv = process.env): ArchiveConfig {
  return loadConfig(archiveConfigSchema, env);
}
