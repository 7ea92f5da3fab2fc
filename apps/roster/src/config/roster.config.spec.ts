import { describe, expect, it } from 'vitest';
import { loadRosterConfig } from './roster.config';

describe('loadRosterConfig', () => {
  it('has documented defaults', () => {
    expect(loadRosterConfig({})).toMatchObject({
      XMPP_DOMAIN: 'localhost',
      ROSTER_DATABASE_URL: 'postgres://sotto_roster@127.0.0.1:5432/sotto_roster',
      ROSTER_MAX_ITEMS: 1000,
      ROSTER_MAX_NAME_LENGTH: 1024,
      ROSTER_MAX_GROUPS: 64,
    });
  });

  it.each([
    ['XMPP_DOMAIN', 'user@example.org'],
    ['ROSTER_MAX_ITEMS', '0'],
    ['ROSTER_MAX_ITEMS', '1000000'],
    ['ROSTER_MAX_NAME_LENGTH', 'ten'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadRosterConfig({ [name]: value })).toThrow(name);
  });
});
