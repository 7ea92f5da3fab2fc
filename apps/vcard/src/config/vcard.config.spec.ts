import { describe, it, expect } from 'vitest';
import { loadVcardConfig } from './vcard.config';

describe('loadVcardConfig', () => {
  it('has a default for everything', () => {
    expect(loadVcardConfig({})).toMatchObject({
      VCARD_DATABASE_URL: 'postgres://sotto_vcard@127.0.0.1:5432/sotto_vcard',
      VCARD_MAX_BYTES: 65536,
      XMPP_DOMAIN: 'localhost',
    });
  });

  it.each([
    ['VCARD_MAX_BYTES', '12'],
    ['VCARD_MAX_BYTES', 'lots'],
    ['VCARD_DATABASE_URL', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadVcardConfig({ [name]: value })).toThrow(name);
  });
});
