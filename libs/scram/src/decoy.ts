import { createHmac } from 'node:crypto';
import { digestLength, type ScramHash } from './hash';
import type { ScramCredentials } from './credentials';

/** Deterministic decoy credentials for an unknown user (RFC 5802 §5.1): same salt every time for the same name, so probing cannot tell the account is missing. */
export function decoyCredentials(
  secret: Buffer,
  username: string,
  hash: ScramHash,
  iterations: number,
): ScramCredentials {
  // The hash is part of the input because a real account has a different salt per mechanism.
  const derive = (label: string, length: number): Buffer =>
    createHmac('sha256', secret)
      .update(`${label}\0${hash}\0${username}`)
      .digest()
      .subarray(0, length);
  return {
    salt: derive('salt', 16),
    iterations,
    storedKey: derive('stored-key', digestLength(hash)),
    serverKey: derive('server-key', digestLength(hash)),
  };
}
