// Secrets made on first start and kept out of the repository (.sotto/ is git-ignored).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const stateDir = resolve(process.env.SOTTO_STATE_DIR ?? '.sotto');
export const secretsFile = resolve(stateDir, 'secrets.env');

const generated = ['ADMIN_TOKEN', 'LOG_PSEUDONYM_KEY', 'SCRAM_DECOY_SECRET', 'TOMBSTONE_KEY'];

/** Reads .sotto/secrets.env, adding any missing secret; environment variables win. */
export function loadSecrets(env = process.env) {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const stored = {};
  if (existsSync(secretsFile)) {
    for (const line of readFileSync(secretsFile, 'utf8').split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line);
      if (match) {
        stored[match[1]] = match[2];
      }
    }
  }
  let changed = false;
  for (const name of generated) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    const body =
      Object.entries(stored)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n';
    writeFileSync(secretsFile, body, { mode: 0o600 });
  }
  return Object.fromEntries(generated.map((name) => [name, env[name] ?? stored[name]]));
}
