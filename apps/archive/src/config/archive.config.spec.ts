import { describe, it, expect } from 'vitest';
import { loadArchiveConfig } from './archive.config';

describe('loadArchiveConfig', () => {
  it('has a default for everything', () => {
    expect(loadArchiveConfig({})).toMatchObject({
      ARCHIVE_DATABASE_URL: 'postgres://sotto_archive@127.0.0.1:5432/sotto_archive',
      ARCHIVE_RETENTION_DAYS: 0,
      ARCHIVE_BATCH_SIZE: 200,
      XMPP_DOMAIN: 'localhost',
    });
  });

  it.each([
    ['ARCHIVE_RETENTION_DAYS', '-1'],
    ['ARCHIVE_RETENTION_DAYS', 'forever'],
    ['ARCHIVE_BATCH_SIZE', '0'],
    ['ARCHIVE_BATCH_SIZE', '5000'],
    ['ARCHIVE_DATABASE_URL', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadArchiveConfig({ [name]: value })).toThrow(name);
  });
});
