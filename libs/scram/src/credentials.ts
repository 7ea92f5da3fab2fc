import { pbkdf2, pbkdf2Sync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { digestLength, h, hmac, safeEqual, type ScramHash } from './hash';

const pbkdf2Async = promisify(pbkdf2);

export interface ScramCredentials {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

// RFC 7677 wants SASLprep (RFC 4013) on the password. NFKC is its core; we skip its mapping of
// non-ASCII spaces and "mapped to nothing" characters and its prohibited-output checks, which
// only matters for passwords with such code points, and clients rarely implement them exactly.
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** SaltedPassword = PBKDF2(normalize(password), salt, i); ClientKey = HMAC(SP,'Client Key'); StoredKey = H(ClientKey); ServerKey = HMAC(SP,'Server Key'). */
export function deriveCredentials(
  password: string,
  hash: ScramHash,
  iterations: number,
  salt: Buffer = randomBytes(16),
): ScramCredentials {
  const salted = pbkdf2Sync(
    normalizePassword(password),
    salt,
    iterations,
    digestLength(hash),
    hash,
  );
  return fromSaltedPassword(salted, hash, salt, iterations);
}

/** Same as `deriveCredentials`, with PBKDF2 on the libuv thread pool so a service stays responsive. */
export async function deriveCredentialsAsync(
  password: string,
  hash: ScramHash,
  iterations: number,
  salt: Buffer = randomBytes(16),
): Promise<ScramCredentials> {
  const salted = await pbkdf2Async(
    normalizePassword(password),
    salt,
    iterations,
    digestLength(hash),
    hash,
  );
  return fromSaltedPassword(salted, hash, salt, iterations);
}

/** For SASL PLAIN: recompute the StoredKey from the password and compare in constant time. */
export async function verifyPassword(
  password: string,
  credentials: ScramCredentials,
  hash: ScramHash,
): Promise<boolean> {
  const candidate = await deriveCredentialsAsync(
    password,
    hash,
    credentials.iterations,
    credentials.salt,
  );
  return safeEqual(candidate.storedKey, credentials.storedKey);
}

function fromSaltedPassword(
  salted: Buffer,
  hash: ScramHash,
  salt: Buffer,
  iterations: number,
): ScramCredentials {
  const clientKey = hmac(hash, salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: h(hash, clientKey),
    serverKey: hmac(hash, salted, 'Server Key'),
  };
}
