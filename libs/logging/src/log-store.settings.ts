import { resolve } from 'node:path';
import { z } from 'zod';
import { intVar, loadConfig } from '@sotto/config';

const HOUR_MS = 3600 * 1000;

const schema = z.object({
  // Empty turns the store off: stdout only, and no `logs/` in exports.
  LOG_DIR: z.string().default('.sotto/logs'),
  LOG_MAX_FILE_BYTES: intVar(10 * 1024 * 1024, 64 * 1024),
  // Logs that carry pseudonyms are personal data: kept a week by default, not "just in case".
  LOG_RETENTION_HOURS: intVar(168, 1),
});

/** Where and how long a service keeps its own log files. */
export interface LogStoreSettings {
  /** The store's root; each service writes under `<directory>/<service>/`. */
  directory: string;
  /** A file past this size is closed and a new one started. */
  maxFileBytes: number;
  /** Files whose last line is older than this are deleted. */
  retentionMs: number;
}

/** The store's settings from the environment, or null when `LOG_DIR` is empty (no store). */
export function logStoreSettings(env: NodeJS.ProcessEnv = process.env): LogStoreSettings | null {
  const config = loadConfig(schema, env);
  if (config.LOG_DIR.trim() === '') {
    return null;
  }
  return {
    directory: resolve(config.LOG_DIR),
    maxFileBytes: config.LOG_MAX_FILE_BYTES,
    retentionMs: config.LOG_RETENTION_HOURS * HOUR_MS,
  };
}
