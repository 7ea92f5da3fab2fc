import { createHmac, randomBytes } from 'node:crypto';

// The key is shared by every service (set by `pnpm start`) so that one user's pseudonym is the
// same in every log and the export can find their lines. Without it, each process makes its own
// random key: logs are then unlinkable, which is the privacy-safe failure.
const key = process.env.LOG_PSEUDONYM_KEY
  ? Buffer.from(process.env.LOG_PSEUDONYM_KEY, 'utf8')
  : randomBytes(32);

/** A stable keyed hash of an identifier (JID, IP) for log lines below `warning`. */
export function pseudonym(identifier: string): string {
  return 'p:' + createHmac('sha256', key).update(identifier).digest('base64url').slice(0, 16);
}
