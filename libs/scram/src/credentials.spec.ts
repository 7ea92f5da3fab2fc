import { describe, it, expect } from 'vitest';
import { deriveCredentials, deriveCredentialsAsync, verifyPassword } from './credentials';
import { decoyCredentials } from './decoy';
import { mechanismHash } from './hash';

describe('deriveCredentials', () => {
  it('gives the same keys synchronously and asynchronously', async () => {
    const salt = Buffer.from('QSXCR+Q6sek8bf92', 'base64');
    const sut = await deriveCredentialsAsync('pencil', 'sha256', 4096, salt);
    expect(sut).toEqual(deriveCredentials('pencil', 'sha256', 4096, salt));
  });

  it('picks a fresh 16-byte salt by default', () => {
    const a = deriveCredentials('pencil', 'sha1', 4096);
    const b = deriveCredentials('pencil', 'sha1', 4096);
    expect(a.salt).toHaveLength(16);
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.storedKey).toHaveLength(20);
  });

  it('normalises the password (NFKC)', () => {
    const salt = Buffer.alloc(16);
    const composed = deriveCredentials('\u00e9\u2163', 'sha256', 4096, salt);
    expect(deriveCredentials('e\u0301IV', 'sha256', 4096, salt)).toEqual(composed);
  });
});

describe('verifyPassword', () => {
  const credentials = deriveCredentials('pencil', 'sha256', 4096);

  it('accepts the right password', async () => {
    expect(await verifyPassword('pencil', credentials, 'sha256')).toBe(true);
  });

  it('rejects a wrong password', async () => {
    expect(await verifyPassword('pencils', credentials, 'sha256')).toBe(false);
  });
});

describe('decoyCredentials', () => {
  const secret = Buffer.from('a decoy secret');

  it('is the same every time for the same name', () => {
    const sut = decoyCredentials(secret, 'nobody@example.org', 'sha256', 4096);
    expect(decoyCredentials(secret, 'nobody@example.org', 'sha256', 4096)).toEqual(sut);
    expect(sut.salt).toHaveLength(16);
    expect(sut.storedKey).toHaveLength(32);
    expect(sut.iterations).toBe(4096);
  });

  it('differs between names, mechanisms and secrets', () => {
    const salt = decoyCredentials(secret, 'a@example.org', 'sha1', 4096).salt;
    expect(decoyCredentials(secret, 'b@example.org', 'sha1', 4096).salt.equals(salt)).toBe(false);
    expect(decoyCredentials(secret, 'a@example.org', 'sha256', 4096).salt.equals(salt)).toBe(false);
    expect(
      decoyCredentials(Buffer.from('other'), 'a@example.org', 'sha1', 4096).salt.equals(salt),
    ).toBe(false);
  });
});

describe('mechanismHash', () => {
  it('maps SASL mechanism names to hashes', () => {
    expect(mechanismHash('SCRAM-SHA-1')).toBe('sha1');
    expect(mechanismHash('SCRAM-SHA-256')).toBe('sha256');
  });
});
