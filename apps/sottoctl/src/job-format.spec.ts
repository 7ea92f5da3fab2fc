import { describe, expect, it } from 'vitest';
import { formatErasureReport, formatJob, formatJobsTable } from './job-format';
import type { Job } from './job.schema';

const erasure: Job = {
  id: '7d0c1a52-0000-4000-8000-000000000001',
  kind: 'erasure',
  status: 'completed',
  createdAt: '2025-01-31T12:00:00.000Z',
  finishedAt: '2025-01-31T12:00:03.000Z',
  services: {
    roster: {
      status: 'completed',
      records: 3,
      datasets: [{ name: 'roster', deleted: 3, kept: 0 }],
    },
    archive: {
      status: 'completed',
      records: 10,
      datasets: [
        {
          name: 'mam_pm',
          deleted: 10,
          kept: 12,
          keptReason: "the other party's copies of 1:1 messages",
        },
        { name: 'mam_muc', deleted: 0, kept: 0, keptReason: 'unused when nothing is kept' },
      ],
    },
    accounts: {
      status: 'completed',
      records: 1,
      datasets: [{ name: 'account', deleted: 1, kept: 0 }],
    },
  },
};

describe('formatErasureReport', () => {
  it('lists per service what was deleted, and what was kept with the reason', () => {
    expect(formatErasureReport(erasure)).toBe(
      [
        'erasure 7d0c1a52-0000-4000-8000-000000000001 completed: 14 records deleted, 12 kept because shared with others',
        '  accounts  completed, 1 record deleted',
        '      account  deleted 1, kept 0',
        '  archive   completed, 10 records deleted',
        "      mam_pm   deleted 10, kept 12 (the other party's copies of 1:1 messages)",
        '      mam_muc  deleted 0, kept 0',
        '  roster    completed, 3 records deleted',
        '      roster  deleted 3, kept 0',
        '',
      ].join('\n'),
    );
  });
});

describe('formatJob', () => {
  it('shows a running export with the service it waits for', () => {
    const job: Job = {
      id: 'j1',
      kind: 'export',
      status: 'running',
      createdAt: '2025-01-31T12:00:00.000Z',
      finishedAt: null,
      services: {
        accounts: { status: 'completed', records: 1, datasets: [{ name: 'account', rows: 1 }] },
        roster: { status: 'pending', records: 0, waitingSince: '2025-01-31T12:00:01.000Z' },
      },
    };
    expect(formatJob(job)).toBe(
      [
        'id        j1',
        'kind      export',
        'status    running',
        'created   2025-01-31T12:00:00.000Z',
        'finished  -',
        'services  1/2 answered',
        '  accounts  completed, 1 record collected',
        '      account  1 row',
        '  roster    pending, waiting since 2025-01-31T12:00:01.000Z',
        '',
      ].join('\n'),
    );
  });

  it('shows why a job failed', () => {
    const failed: Job = { ...erasure, status: 'failed', error: 'roster did not answer in 300 s' };
    expect(formatJob(failed)).toContain('\nerror     roster did not answer in 300 s\n');
  });
});

describe('formatJobsTable', () => {
  it('aligns id, kind, status and creation time under a header', () => {
    const jobs: Job[] = [
      erasure,
      { ...erasure, id: 'short', kind: 'export', status: 'running', createdAt: 'yesterday' },
    ];
    expect(formatJobsTable(jobs)).toBe(
      [
        'ID                                    KIND     STATUS     CREATED',
        '7d0c1a52-0000-4000-8000-000000000001  erasure  completed  2025-01-31T12:00:00.000Z',
        'short                                 export   running    yesterday',
        '',
      ].join('\n'),
    );
  });

  it('says so when there are none', () => {
    expect(formatJobsTable([])).toBe('no jobs\n');
  });
});
