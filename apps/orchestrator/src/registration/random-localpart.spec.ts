import { describe, it, expect } from 'vitest';
import { LOCALPART_LENGTH, randomLocalpart, randomPassword } from './random-localpart';

describe('randomLocalpart', () => {
  it('has the promised form: 20 lower-case letters and digits, at least 96 bits', () => {
    expect(randomLocalpart()).toMatch(/^[a-z0-9]{20}$/);
    expect(LOCALPART_LENGTH * Math.log2(36)).toBeGreaterThanOrEqual(96);
  });

  it('never collides in 10 000 draws', () => {
    const drawn = new Set(Array.from({ length: 10_000 }, () => randomLocalpart()));
    expect(drawn.size).toBe(10_000);
  });

  it('uses every symbol of the alphabet and nothing else', () => {
    const seen = new Set([...Array.from({ length: 500 }, () => randomLocalpart()).join('')]);
    expect([...seen].sort().join('')).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
  });

  it('is made only of what the random source gives', () => {
    let next = 0;
    expect(randomLocalpart(() => next++ % 36)).toBe('abcdefghijklmnopqrst');
  });
});

describe('randomPassword', () => {
  it('is base64url of at least 128 bits', () => {
    const password = randomPassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(password, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });
});
