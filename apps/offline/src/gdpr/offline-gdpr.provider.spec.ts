import { describe, it, expect, beforeEach } from 'vitest';
import type { CollectedPage } from '@sotto/gdpr';
import type { StoredMessage } from '../offline/offline-message.repository';
import { InMemoryOfflineRecords } from '../testing/in-memory-offline.records';
import { OfflineGdprProvider } from './offline-gdpr.provider';

let index = 0;
function stored(owner: string, sender: string, body: string): StoredMessage {
  index += 1;
  return {
    owner,
    id: `0197a000-0000-7000-8000-${String(index).padStart(12, '0')}`,
    seq: index,
    sender,
    acceptedAt: new Date(Date.UTC(2025, 5, 1, 0, 0, index)),
    stanza: `<message><body>${body}</body></message>`,
  };
}

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

describe('OfflineGdprProvider', () => {
  let records: InMemoryOfflineRecords;
  let sut: OfflineGdprProvider;

  beforeEach(() => {
    records = new InMemoryOfflineRecords();
    records.rows.push(
      stored('juliet@example.org', 'romeo@example.org/orchard', 'to juliet'),
      stored('romeo@example.org', 'juliet@example.org/balcony', 'from juliet'),
      stored('juliet@example.org', 'nurse@example.org/x', 'also to juliet'),
    );
    sut = new OfflineGdprProvider(records);
  });

  it('collects the messages addressed to the subject only, in MongooseIM’s columns', async () => {
    const pages = await collected(sut.collect('Juliet@example.org'));
    expect(pages).toEqual([
      {
        dataset: 'offline',
        rows: [
          {
            timestamp: '2025-06-01T00:00:01.000Z',
            from: 'romeo@example.org/orchard',
            to: 'juliet@example.org',
            packet: '<message><body>to juliet</body></message>',
          },
          {
            timestamp: '2025-06-01T00:00:03.000Z',
            from: 'nurse@example.org/x',
            to: 'juliet@example.org',
            packet: '<message><body>also to juliet</body></message>',
          },
        ],
      },
    ]);
  });

  it('pages through many messages, each once', async () => {
    for (let i = 0; i < 450; i++) {
      records.rows.push(stored('tybalt@example.org', 'romeo@example.org/orchard', `m${i}`));
    }
    const pages = await collected(sut.collect('tybalt@example.org'));
    expect(pages.map((page) => page.rows.length)).toEqual([200, 200, 50]);
    expect(new Set(pages.flatMap((page) => page.rows.map((row) => row.packet))).size).toBe(450);
  });

  it('collects nothing for a subject without messages or that does not prepare', async () => {
    expect(await collected(sut.collect('tybalt@example.org'))).toEqual([]);
    expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
  });

  it('forgets what waits for the subject and keeps, with the reason, what the subject sent', async () => {
    expect(await sut.forget('juliet@example.org')).toEqual([
      {
        name: 'offline',
        deleted: 2,
        kept: 1,
        keptReason: expect.stringContaining('recipients') as string,
      },
    ]);
    expect(records.rows.map((row) => row.owner)).toEqual(['romeo@example.org']);
  });

  it('is idempotent, and reports 0 for a subject that does not prepare', async () => {
    await sut.forget('juliet@example.org');
    const again = await sut.forget('juliet@example.org');
    expect(again).toMatchObject([{ name: 'offline', deleted: 0, kept: 1 }]);
    expect(await sut.forget('ju\u0000liet@example.org')).toEqual([
      { name: 'offline', deleted: 0, kept: 0 },
    ]);
  });
});
