import { createHash } from 'node:crypto';

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/**
 * KV key of a bound resource. Hashed so keys stay short and subject-safe whatever the JID holds;
 * the record itself carries the JID.
 */
export function sessionKey(bareJid: string, resource: string): string {
  return `${digest(bareJid)}.${digest(resource)}`;
}

/** KV key filter matching every resource of a user. */
export function userSessionsFilter(bareJid: string): string {
  return `${digest(bareJid)}.*`;
}
