import { describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { BearerTokenCheck } from './admin-grpc.auth';

const TOKEN = 'the-admin-token-0123456789';

function withAuthorization(...values: string[]): Metadata {
  const metadata = new Metadata();
  values.forEach((value) => metadata.add('authorization', value));
  return metadata;
}

describe('BearerTokenCheck', () => {
  const sut = new BearerTokenCheck(TOKEN);

  it('accepts the token as a bearer credential, whatever the case of the scheme', () => {
    expect(sut.accepts(withAuthorization(`Bearer ${TOKEN}`))).toBe(true);
    expect(sut.accepts(withAuthorization(`bearer ${TOKEN}`))).toBe(true);
  });

  it.each([
    ['no header', []],
    ['another token', [`Bearer ${TOKEN}x`]],
    ['a prefix of the token', [`Bearer ${TOKEN.slice(0, 10)}`]],
    ['another scheme', [`Basic ${TOKEN}`]],
    ['the bare token', [TOKEN]],
    ['two headers', [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]],
  ])('refuses %s', (_case, values) => {
    expect(sut.accepts(withAuthorization(...values))).toBe(false);
  });

  it('names the actor by a hash prefix of the token, not the token', () => {
    expect(sut.actor).toMatch(/^grpc:[0-9a-f]{12}$/);
    expect(sut.actor).not.toContain(TOKEN.slice(0, 6));
  });
});
