import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { pseudonymWithKey } from '@sotto/logging';

/** A user's pseudonym in this run's logs (every service shares the key). */
export function pseudonymOf(bareJid: string): string {
  return pseudonymWithKey(inject('serviceLogs').pseudonymKey, bareJid);
}

/** Every line of a service's own log files on this host (`<LOG_DIR>/<service>/*.log`). */
export function serviceLogLines(service: string): string[] {
  const directory = join(inject('serviceLogs').directory, service);
  return readdirSync(directory)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .flatMap((name) => readFileSync(join(directory, name), 'utf8').split('\n'))
    .filter((line) => line !== '');
}
