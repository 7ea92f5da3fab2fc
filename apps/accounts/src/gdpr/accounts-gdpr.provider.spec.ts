import { describe, it, expect, beforeEach } from 'vitest';
import type { EventPayload, EventSubject } from '@sotto/contracts';
import type { CollectedPage } from '@sotto/gdpr';
import type { AccountRecord } from '../accounts/accounts.repository';
import type { EventPublisher } from '../accounts/accounts.service';
import { AccountsGdprProvider, type AccountRecords } from './accounts-gdpr.provider';

class FakeAccountRecords implements AccountRecords {
  readonly accounts = new Map<string, AccountRecord>();
  async findAccount(jid: string): Promise<AccountRecord | null> {
    return this.accounts.get(jid) ?? null;
  }
  async delete(jid: string): Promise<boolean> {
    return this.accounts.delete(jid);
  }
}

class FakePublisher implements EventPublisher {
  readonly published: { subject: EventSubject; payload: EventPayload<EventSubject> }[] = [];
  publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): void {
    this.published.push({ subject, payload });
  }
}

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

describe('AccountsGdprProvider', () => {
  const createdAt = new Date('2026-01-02T03:04:05.678Z');
  let records: FakeAccountRecords;
  let events: FakePublisher;
  let sut: AccountsGdprProvider;

  beforeEach(() => {
    records = new FakeAccountRecords();
    records.accounts.set('juliet@example.org', { jid: 'juliet@example.org', createdAt });
    events = new FakePublisher();
    sut = new AccountsGdprProvider(records, events);
  });

  describe('collect', () => {
    it('yields the account row, JID and creation time only', async () => {
      expect(await collected(sut.collect('Juliet@example.org'))).toEqual([
        {
          dataset: 'account',
          rows: [{ jid: 'juliet@example.org', created_at: '2026-01-02T03:04:05.678Z' }],
        },
      ]);
    });

    it('yields nothing for an unknown or unpreparable subject', async () => {
      expect(await collected(sut.collect('romeo@example.org'))).toEqual([]);
      expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
    });
  });

  describe('forget', () => {
    it('deletes the account and ends its sessions', async () => {
      expect(await sut.forget('juliet@example.org')).toEqual([
        { name: 'account', deleted: 1, kept: 0 },
      ]);
      expect(records.accounts.size).toBe(0);
      expect(events.published).toEqual([
        {
          subject: 'sessions.end',
          payload: { jid: 'juliet@example.org', condition: 'not-authorized' },
        },
      ]);
    });

    it('is idempotent: a second call deletes nothing and publishes nothing', async () => {
      await sut.forget('juliet@example.org');
      expect(await sut.forget('juliet@example.org')).toEqual([
        { name: 'account', deleted: 0, kept: 0 },
      ]);
      expect(events.published).toHaveLength(1);
    });

    it('reports 0 for an unpreparable subject', async () => {
      expect(await sut.forget('ju\u0000liet@example.org')).toEqual([
        { name: 'account', deleted: 0, kept: 0 },
      ]);
      expect(events.published).toEqual([]);
    });
  });
});
