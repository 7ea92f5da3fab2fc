import { describe, it, expect } from 'vitest';
import { parseClientFirst } from './messages';

describe('parseClientFirst', () => {
  it('parses the RFC 5802 client-first message', () => {
    expect(parseClientFirst('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL')).toEqual({
      gs2Header: 'n,,',
      channelBindingFlag: 'n',
      username: 'user',
      clientNonce: 'fyko+d2lbbFgONRv9qkxdawL',
      clientFirstBare: 'n=user,r=fyko+d2lbbFgONRv9qkxdawL',
    });
  });

  it('decodes =2C and =3D in the username and authzid', () => {
    const sut = parseClientFirst('y,a=ad=3Dmin,n=a=2Cb=3Dc,r=abc');
    expect(sut).toMatchObject({
      gs2Header: 'y,a=ad=3Dmin,',
      channelBindingFlag: 'y',
      authzid: 'ad=min',
      username: 'a,b=c',
    });
  });

  it('keeps optional extensions in the bare message', () => {
    expect(parseClientFirst('n,,n=user,r=abc,x=1').clientFirstBare).toBe('n=user,r=abc,x=1');
  });

  it.each([
    ['channel binding', 'p=tls-unique,,n=user,r=abc'],
    ['an unknown flag', 'q,,n=user,r=abc'],
    ['a mandatory extension', 'n,,m=ext,n=user,r=abc'],
    ['a bad escape', 'n,,n=us=41r,r=abc'],
    ['a bare =', 'n,,n=us=r,r=abc'],
    ['an empty username', 'n,,n=,r=abc'],
    ['a missing nonce', 'n,,n=user'],
    ['an empty nonce', 'n,,n=user,r='],
    ['a bad authzid', 'n,x=user,n=user,r=abc'],
    ['no gs2 header', 'n=user,r=abc'],
    ['an empty message', ''],
  ])('rejects %s', (_name, message) => {
    expect(() => parseClientFirst(message)).toThrow(
      expect.objectContaining({ condition: 'malformed-request' }),
    );
  });
});
