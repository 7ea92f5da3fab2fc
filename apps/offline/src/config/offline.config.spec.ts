import { describe, it, expect } from 'vitest';
import { loadOfflineConfig } from './offline.config';

describe('loadOfflineConfig', () => {
  it('has a default for everything', () => {
    expect(loadOfflineConfig({})).toMatchObject({
      OFFLINE_DATABASE_URL: 'postgres://sotto_offline@127.0.0.1:5432/sotto_offline',
      OFFLINE_QUOTA: 1000,
      OFFLINE_EXPIRY_DAYS: 30,
      XMPP_DOMAIN: 'localhost',
    });
  });

  it('accepts 0 days: no expiry', () => {
    expect(loadOfflineConfig({ OFFLINE_EXPIRY_DAYS: '0' }).OFFLINE_EXPIRY_DAYS).toBe(0);
  });

  it.each([
    ['OFFLINE_QUOTA', '0'],
    ['OFFLINE_QUOTA', 'many'],
    ['OFFLINE_EXPIRY_DAYS', '-1'],
    ['OFFLINE_DATABASE_URL', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadOfflineConfig({ [name]: value })).toThrow(name);
  });
});
