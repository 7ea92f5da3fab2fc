import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';

/** Checks the call's `authorization: Bearer <token>` metadata against the admin token. */
export class BearerTokenCheck {
  private readonly expected: Buffer;
  /** Who acts, for the audit trail: names the token without revealing it. */
  readonly actor: string;

  constructor(token: string) {
    this.expected = sha256(token);
    this.actor = 'grpc:' + this.expected.toString('hex').slice(0, 12);
  }

  accepts(metadata: Metadata): boolean {
    const values = metadata.get('authorization');
    if (values.length !== 1 || typeof values[0] !== 'string') {
      return false;
    }
    const match = /^Bearer (\S+)$/i.exec(values[0].trim());
    // Comparing fixed-length digests keeps the time independent of where, and whether by length,
    // a wrong token differs.
    return match !== null && timingSafeEqual(sha256(match[1]), this.expected);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
