import { describe, it, expect } from 'vitest';
import { loadPrivateConfig } from './private.config';

describe('loadPrivateConfig', () => {
  it('has a default for everything', () => {
    expect(loadPrivateConfig({})).toMatchObject({
      PRIVATE_DATABASE_URL: 'postgres://sotto_private@127.0.0.1:5432/sotto_private',
      PRIVATE_MAX_BYTES: 65536,
      XMPP_DOMAIN: 'localhost',
    });
  });

  it.each([
    ['PRIVATE_MAX_BYTES', '12'],
    ['PRIVATE_MAX_BYTES', '2000000'],
    ['PRIVATE_DATABASE_URL', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadPrivateConfig({ [name]: value })).toThrow(name);
  });
});
