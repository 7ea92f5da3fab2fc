import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type ScramHash = 'sha1' | 'sha256';

export function mechanismHash(mechanism: 'SCRAM-SHA-1' | 'SCRAM-SHA-256'): ScramHash {
  return mechanism === 'SCRAM-SHA-1' ? 'sha1' : 'sha256';
}

export function digestLength(hash: ScramHash): number {
  return hash === 'sha1' ? 20 : 32;
}

export function h(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

export function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] ^ b[i];
  }
  return out;
}

/** Constant-time equality that also accepts buffers of different lengths (then false). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  // Length is not secret here (digest sizes, nonce sizes), so an early exit on it leaks nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}
