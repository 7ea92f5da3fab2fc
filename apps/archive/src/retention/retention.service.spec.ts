import { describe, it, expect } from 'vitest';
import { RETENTION_BATCH, RetentionService, type ExpiringArchive } from './retention.service';

class FakeArchive implements ExpiringArchive {
  readonly calls: { cutoff: Date; limit: number }[] = [];
  constructor(private old: number) {}
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    this.calls.push({ cutoff, limit });
    const deleted = Math.min(this.old, limit);
    this.old -= deleted;
    return deleted;
  }
}

describe('RetentionService', () => {
  it('deletes everything past the limit in small batches', async () => {
    const archive = new FakeArchive(2 * RETENTION_BATCH + 5);
    const sut = new RetentionService(archive, { ARCHIVE_RETENTION_DAYS: 30 });
    const now = Date.parse('2024-05-31T00:00:00Z');
    expect(await sut.sweep(now)).toBe(2 * RETENTION_BATCH + 5);
    expect(archive.calls).toHaveLength(3);
    expect(archive.calls[0]).toEqual({
      cutoff: new Date('2024-05-01T00:00:00Z'),
      limit: RETENTION_BATCH,
    });
  });

  it('does not schedule anything when retention is off', () => {
    const archive = new FakeArchive(10);
    const sut = new RetentionService(archive, { ARCHIVE_RETENTION_DAYS: 0 });
    sut.onApplicationBootstrap();
    sut.onApplicationShutdown();
    expect(archive.calls).toEqual([]);
  });
});
