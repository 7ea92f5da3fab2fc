import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error';

export const DEFAULT_ORCHESTRATOR_URL = 'http://127.0.0.1:8088/api/v1';

export interface Settings {
  /** Base URL of the HTTP API, without a trailing slash. */
  url: string;
  token: string;
}

const HttpUrl = z.url({ protocol: /^https?$/ });

/**
 * Where the orchestrator is and the admin token: the environment first, then the secrets file
 * that `pnpm start` writes (`$SOTTO_STATE_DIR/secrets.env`, `.sotto/secrets.env` by default).
 */
export function loadSettings(env: NodeJS.ProcessEnv, cwd: string): Settings {
  const url = env.ORCHESTRATOR_URL || DEFAULT_ORCHESTRATOR_URL;
  if (!HttpUrl.safeParse(url).success) {
    throw new CliError(`ORCHESTRATOR_URL is not an http(s) URL: ${url}`);
  }
  return { url: url.replace(/\/+$/, ''), token: adminToken(env, cwd) };
}

function adminToken(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.ADMIN_TOKEN) {
    return env.ADMIN_TOKEN;
  }
  const file = resolve(cwd, env.SOTTO_STATE_DIR || '.sotto', 'secrets.env');
  const stored = existsSync(file) ? tokenInFile(file) : undefined;
  if (stored === undefined) {
    throw new CliError(`no admin token: set ADMIN_TOKEN, or run pnpm start, which writes ${file}`);
  }
  return stored;
}

function tokenInFile(file: string): string | undefined {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^ADMIN_TOKEN=(.+)$/.exec(line.trim());
    if (match) {
      return match[1];
    }
  }
  return undefined;
}
