import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** 20 symbols of 36: log2(36) * 20 ≈ 103 bits, above the promised 96. */
export const LOCALPART_LENGTH = 20;

type RandomIndex = (max: number) => number;

/**
 * A fresh localpart for a random JID: lower-case letters and digits drawn one by one from the
 * CSPRNG (`randomInt` is unbiased), so it encodes nothing but chance — no time, counter or host.
 */
export function randomLocalpart(draw: RandomIndex = randomInt): string {
  let localpart = '';
  for (let i = 0; i < LOCALPART_LENGTH; i++) {
    localpart += ALPHABET[draw(ALPHABET.length)];
  }
  return localpart;
}

/** A generated password of 144 random bits, base64url (24 characters). */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
