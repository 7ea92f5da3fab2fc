import { describe, it, expect } from 'vitest';
import type { StoredMessage } from '../offline/offline-message.repository';
import { InMemoryOfflineRecords } from '../testing/in-memory-offline.records';
import { OfflineExpiry } from './offline-expiry';

const DAY_MS = 24 * 3600 * 1000;
const NOW = Date.UTC(2025, 5, 30);

function message(owner: string, index: number, ageDays: number): StoredMessage {
  return {
    owner,
    id: `0197a000-0000-7000-8000-${String(index).padStart(12, '0')}`,
    seq: index,
    sender: 'romeo@example.org/orchard',
    acceptedAt: new Date(NOW - ageDays * DAY_MS),
    stanza: '<message/>',
  };
}

class CountingRecords extends InMemoryOfflineRecords {
  calls: number[] = [];
  override async deleteAcceptedBefore(cutoff: Date, limit: number): Promise<number> {
    this.calls.push(limit);
    return super.deleteAcceptedBefore(cutoff, limit);
  }
}

describe('OfflineExpiry', () => {
  it('deletes the messages older than the setting, in small batches, and keeps the rest', async () => {
    const records = new CountingRecords();
    for (let i = 1; i <= 1200; i++) {
      records.rows.push(message(i % 2 === 0 ? 'juliet@example.org' : 'nurse@example.org', i, 31));
    }
    records.rows.push(message('juliet@example.org', 5000, 29));
    const sut = new OfflineExpiry(records, { OFFLINE_EXPIRY_DAYS: 30 });
    expect(await sut.expire(NOW)).toBe(1200);
    expect(records.calls).toEqual([500, 500, 500]);
    expect(records.rows.map((row) => row.seq)).toEqual([5000]);
    // Nothing more to do: one look, nothing deleted.
    expect(await sut.expire(NOW)).toBe(0);
  });

  it('keeps everything with OFFLINE_EXPIRY_DAYS=0, and starts no timer', async () => {
    const records = new CountingRecords();
    records.rows.push(message('juliet@example.org', 1, 3650));
    const sut = new OfflineExpiry(records, { OFFLINE_EXPIRY_DAYS: 0 });
    sut.onApplicationBootstrap();
    expect(await sut.expire(NOW)).toBe(0);
    expect(records.calls).toEqual([]);
    expect(records.rows).toHaveLength(1);
    await sut.onApplicationShutdown();
  });
});
