import { describe, it, expect, beforeEach } from 'vitest';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { SubjectHasher } from '../registration/subject-hash';
import type { JobKind, JobStatus } from './job-state';
import type { JobView } from './job-view';
import {
  GdprRequestsService,
  type AccountsPort,
  type Jobs,
  type Tombstones,
} from './gdpr-requests.service';

const calls: string[] = [];

class FakeAccounts implements AccountsPort {
  readonly existing = new Set(['alice@example.org']);
  async exists(jid: string): Promise<boolean> {
    calls.push(`exists ${jid}`);
    return this.existing.has(jid);
  }
  async disable(jid: string): Promise<boolean> {
    calls.push(`disable ${jid}`);
    return true;
  }
  endSessions(jid: string): void {
    calls.push(`sessions.end ${jid}`);
  }
}

class FakeTombstones implements Tombstones {
  async insert(hash: string): Promise<void> {
    calls.push(`tombstone ${hash.slice(0, 8)}`);
  }
}

class FakeJobs implements Jobs {
  latest: JobStatus | null = null;
  noServices = false;
  async start(kind: JobKind, subject: string): Promise<JobView> {
    calls.push(`start ${kind} ${subject}`);
    return { id: 'job', kind, status: 'running', services: {}, createdAt: '', finishedAt: null };
  }
  async registeredServices(): Promise<string[]> {
    if (this.noServices) {
      throw new AdminException(AdminErrorCode.Unavailable, 'no services');
    }
    return ['accounts'];
  }
  async latestStatus(): Promise<JobStatus | null> {
    return this.latest;
  }
}

async function code(promise: Promise<unknown>): Promise<AdminErrorCode | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (error instanceof AdminException) {
      return error.code;
    }
    throw error;
  }
}

describe('GdprRequestsService', () => {
  const hasher = new SubjectHasher('a tombstone key for tests');
  const hash = hasher.hash('alice@example.org').slice(0, 8);
  let accounts: FakeAccounts;
  let jobs: FakeJobs;
  let sut: GdprRequestsService;

  beforeEach(() => {
    calls.length = 0;
    accounts = new FakeAccounts();
    jobs = new FakeJobs();
    sut = new GdprRequestsService(accounts, new FakeTombstones(), jobs, hasher);
  });

  it('erases in order: block logins, end sessions, tombstone, then ask the services', async () => {
    await sut.startErasure('Alice@Example.org');
    expect(calls).toEqual([
      'exists alice@example.org',
      'disable alice@example.org',
      'sessions.end alice@example.org',
      `tombstone ${hash}`,
      'start erasure alice@example.org',
    ]);
  });

  it('answers NotFound and starts nothing for an unknown account', async () => {
    expect(await code(sut.startErasure('bob@example.org'))).toBe(AdminErrorCode.NotFound);
    expect(await code(sut.startExport('bob@example.org'))).toBe(AdminErrorCode.NotFound);
    expect(calls.filter((c) => !c.startsWith('exists'))).toEqual([]);
  });

  it('erases a second time only after a failed erasure, never while one runs', async () => {
    accounts.existing.clear();
    jobs.latest = 'completed';
    expect(await code(sut.startErasure('alice@example.org'))).toBe(AdminErrorCode.NotFound);
    jobs.latest = 'running';
    expect(await code(sut.startErasure('alice@example.org'))).toBe(AdminErrorCode.Conflict);
    jobs.latest = 'failed';
    calls.length = 0;
    await sut.startErasure('alice@example.org');
    expect(calls).toEqual([
      'exists alice@example.org',
      'sessions.end alice@example.org',
      `tombstone ${hash}`,
      'start erasure alice@example.org',
    ]);
  });

  it('does nothing irreversible while no service could be asked', async () => {
    jobs.noServices = true;
    expect(await code(sut.startErasure('alice@example.org'))).toBe(AdminErrorCode.Unavailable);
    expect(calls).toEqual(['exists alice@example.org']);
  });

  it('refuses what is not a bare JID', async () => {
    for (const jid of ['', 'example.org', 'alice@example.org/phone', 'a@b@c']) {
      expect(await code(sut.startExport(jid)), jid).toBe(AdminErrorCode.Invalid);
    }
    expect(sut.hashOf('not a jid@')).toBeNull();
    expect(sut.hashOf('ALICE@example.org')).toBe(hasher.hash('alice@example.org'));
  });
});
