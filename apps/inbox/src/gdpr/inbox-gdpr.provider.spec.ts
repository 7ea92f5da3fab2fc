import { describe, it, expect, beforeEach } from 'vitest';
import type { CollectedPage } from '@sotto/gdpr';
import type { InboxEntry } from '../inbox/inbox-entry';
import { InMemoryInboxStore } from '../testing/in-memory-inbox.store';
import { InboxGdprProvider, type AcceptedProgress } from './inbox-gdpr.provider';

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

const juliet = 'juliet@example.org';
const romeo = 'romeo@example.org';

function entry(owner: string, remote: string, minute: number, unread = 0): InboxEntry {
  return {
    ownerJid: owner,
    remoteJid: remote,
    content: `<message xmlns='jabber:client'><body>${owner} and ${remote}</body></message>`,
    msgId: null,
    stanzaId: '0190a000-0000-7000-8000-000000000001',
    lastAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    unreadCount: unread,
    box: 'inbox',
    mutedUntil: null,
  };
}

describe('InboxGdprProvider', () => {
  let store: InMemoryInboxStore;
  let waited: number;
  let progress: AcceptedProgress;
  let sut: InboxGdprProvider;

  beforeEach(() => {
    store = new InMemoryInboxStore();
    store.put(entry(juliet, romeo, 2, 3));
    store.put(entry(juliet, 'nurse@example.org', 1));
    store.put(entry(romeo, juliet, 2));
    store.put(entry(romeo, 'mercutio@example.org', 4, 1));
    waited = 0;
    progress = {
      caughtUp: async () => {
        waited++;
      },
    };
    sut = new InboxGdprProvider(store, progress);
  });

  it('collects the subject’s own entries as MongooseIM’s inbox rows, oldest first', async () => {
    expect(await collected(sut.collect('Juliet@example.org'))).toEqual([
      {
        dataset: 'inbox',
        rows: [
          {
            jid: 'nurse@example.org',
            content: `<message xmlns='jabber:client'><body>${juliet} and nurse@example.org</body></message>`,
            unread_count: 0,
            timestamp: '2026-01-01T00:01:00.000000Z',
          },
          expect.objectContaining({ jid: romeo, unread_count: 3 }),
        ],
      },
    ]);
    expect(await collected(sut.collect('tybalt@example.org'))).toEqual([]);
    expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
  });

  it('forgets the subject’s inbox after the accepted messages are applied, keeps others’', async () => {
    expect(await sut.forget(juliet)).toEqual([
      { name: 'inbox', deleted: 2, kept: 1, keptReason: 'the other party’s own inbox' },
    ]);
    expect(waited).toBe(1);
    expect(store.get(romeo, juliet)).toBeDefined();
    expect(store.get(romeo, 'mercutio@example.org')).toBeDefined();
    expect((await sut.forget(juliet))[0]).toMatchObject({ deleted: 0, kept: 1 });
  });

  it('fails (to be retried) when the inbox has not caught up', async () => {
    progress.caughtUp = () => Promise.reject(new Error('behind'));
    await expect(sut.forget(juliet)).rejects.toThrow('behind');
    expect(store.get(juliet, romeo)).toBeDefined();
  });

  it('reports nothing for a subject that does not prepare', async () => {
    expect(await sut.forget('ju\u0000liet@example.org')).toEqual([
      { name: 'inbox', deleted: 0, kept: 0 },
    ]);
  });
});
