import { describe, it, expect } from 'vitest';
import { loadInboxConfig } from './inbox.config';

describe('loadInboxConfig', () => {
  it('has a default for everything', () => {
    expect(loadInboxConfig({})).toMatchObject({
      INBOX_DATABASE_URL: 'postgres://sotto_inbox@127.0.0.1:5432/sotto_inbox',
      INBOX_BATCH_SIZE: 500,
      INBOX_MAX_RESULT_LIMIT: 100,
      INBOX_RESET_MARKERS: new Set(['displayed']),
      INBOX_BIN_TTL_DAYS: 30,
      XMPP_DOMAIN: 'localhost',
    });
  });

  it('reads a list of reset markers', () => {
    const config = loadInboxConfig({ INBOX_RESET_MARKERS: 'displayed, acknowledged' });
    expect(config.INBOX_RESET_MARKERS).toEqual(new Set(['displayed', 'acknowledged']));
    expect(loadInboxConfig({ INBOX_RESET_MARKERS: '' }).INBOX_RESET_MARKERS.size).toBe(0);
  });

  it.each([
    ['INBOX_BATCH_SIZE', '0'],
    ['INBOX_MAX_RESULT_LIMIT', '1001'],
    ['INBOX_RESET_MARKERS', 'displayed,seen'],
    ['INBOX_BIN_TTL_DAYS', '-1'],
    ['INBOX_DATABASE_URL', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadInboxConfig({ [name]: value })).toThrow(name);
  });
});
