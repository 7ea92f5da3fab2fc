import { describe, it, expect } from 'vitest';
import { loadAccountsConfig } from './accounts.config';

describe('loadAccountsConfig', () => {
  it('has a default for everything but the decoy secret', () => {
    expect(loadAccountsConfig({})).toMatchObject({
      ACCOUNTS_DATABASE_URL: 'postgres://sotto_accounts@127.0.0.1:5432/sotto_accounts',
      SCRAM_ITERATIONS: 10000,
      XMPP_DOMAIN: 'localhost',
    });
    expect(loadAccountsConfig({}).SCRAM_DECOY_SECRET).toBeUndefined();
  });

  it.each([
    ['SCRAM_ITERATIONS', '4095'],
    ['XMPP_DOMAIN', 'user@example.org'],
    ['XMPP_DOMAIN', 'not a domain'],
    ['SCRAM_DECOY_SECRET', 'short'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadAccountsConfig({ [name]: value })).toThrow(name);
  });
});
