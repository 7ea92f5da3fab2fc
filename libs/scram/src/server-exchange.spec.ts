import { describe, it, expect } from 'vitest';
import { deriveCredentials } from './credentials';
import { parseClientFirst } from './messages';
import { SaslError } from './sasl-error';
import { ScramServerExchange } from './server-exchange';
import type { ScramHash } from './hash';

interface Vector {
  hash: ScramHash;
  clientNonce: string;
  serverNonce: string;
  salt: string;
  proof: string;
  serverFinal: string;
}

// RFC 5802 §5 and RFC 7677 §3.
const vectors: Vector[] = [
  {
    hash: 'sha1',
    clientNonce: 'fyko+d2lbbFgONRv9qkxdawL',
    serverNonce: '3rfcNHYJY1ZVvWVs7j',
    salt: 'QSXCR+Q6sek8bf92',
    proof: 'v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    hash: 'sha256',
    clientNonce: 'rOprNGfwEbeRWgbNEkqO',
    serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
    proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
];

function exchange(v: Vector): ScramServerExchange {
  const credentials = deriveCredentials('pencil', v.hash, 4096, Buffer.from(v.salt, 'base64'));
  const clientFirst = parseClientFirst(`n,,n=user,r=${v.clientNonce}`);
  return new ScramServerExchange(v.hash, clientFirst, credentials, v.serverNonce);
}

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SaslError ? error.condition : 'not a SaslError';
  }
  return undefined;
}

describe.each(vectors)('ScramServerExchange ($hash RFC example)', (v) => {
  const nonce = v.clientNonce + v.serverNonce;
  const clientFinal = `c=biws,r=${nonce},p=${v.proof}`;

  it('sends the server-first message of the RFC', () => {
    const sut = exchange(v);
    expect(sut.serverFirst()).toBe(`r=${nonce},s=${v.salt},i=4096`);
  });

  it('accepts the RFC proof and answers with its server signature', () => {
    const sut = exchange(v);
    sut.serverFirst();
    expect(sut.finish(clientFinal)).toBe(v.serverFinal);
  });

  it('rejects a wrong proof', () => {
    const sut = exchange(v);
    const proof = Buffer.from(v.proof, 'base64');
    proof[0] = proof[0]! ^ 1;
    expect(failure(() => sut.finish(`c=biws,r=${nonce},p=${proof.toString('base64')}`))).toBe(
      'not-authorized',
    );
  });

  it('rejects a proof of the wrong length', () => {
    expect(failure(() => exchange(v).finish(`c=biws,r=${nonce},p=AAAA`))).toBe('not-authorized');
  });

  it('rejects a second attempt on the same exchange', () => {
    const sut = exchange(v);
    sut.finish(clientFinal);
    expect(failure(() => sut.finish(clientFinal))).toBe('malformed-request');
  });

  it.each([
    ['a different nonce', `c=biws,r=${v.clientNonce}x,p=${v.proof}`],
    ['a channel binding that is not the gs2 header', `c=eSws,r=${nonce},p=${v.proof}`],
    ['no proof', `c=biws,r=${nonce}`],
    ['attributes out of order', `r=${nonce},c=biws,p=${v.proof}`],
    ['bad base64', `c=biws,r=${nonce},p=${v.proof.slice(1)}`],
    ['an empty message', ''],
  ])('rejects %s as malformed', (_name, message) => {
    expect(failure(() => exchange(v).finish(message))).toBe('malformed-request');
  });
});
