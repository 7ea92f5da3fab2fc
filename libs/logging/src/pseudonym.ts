import { createHmac, randomBytes } from 'node:crypto';

// The key is shared by every service (set by `pnpm start`) so that one user's pseudonym is the
// same in every log and the export can find their lines. Without it, each process makes its own
// random key: logs are then unlinkable, which is the privacy-safe failure.
const key = process.env.LOG_PSEUDONYM_KEY
  ? Buffer.from(process.env.LOG_PSEUDONYM_KEY, 'utf8')
  : randomBytes(32);

/**
 * A stable keyed hash of an identifier for log lines below `warning`. A line about a user names
 * them as `pseudonym(bareJid)` (the prepared bare JID, never a full JID with its resource): the
 * GDPR export and erasure find the subject's lines by that pseudonym alone.
 */
export function pseudonym(identifier: string): string {
  return pseudonymWithKey(key, identifier);
}

/** `pseudonym()` under a given key (`LOG_PSEUDONYM_KEY`): for tools and tests that hold it. */
export function pseudonymWithKey(secret: string | Buffer, identifier: string): string {
  const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return 'p:' + createHmac('sha256', material).update(identifier).digest('base64url').slice(0, 16);
}
