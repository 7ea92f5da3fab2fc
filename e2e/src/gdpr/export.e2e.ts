import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { createAccount } from '../support/accounts';
import { readZip } from '../support/zip';

interface Manifest {
  subject: string;
  createdAt: string;
  formatVersion: number;
  services: Record<
    string,
    { status: string; datasets: { name: string; rows: number; files: Record<string, string> }[] }
  >;
}

describe('retrieve_personal_data', () => {
  it('exports a zip whose manifest lists every registered service, with the account dataset', async () => {
    const alice = await createAccount('exported');
    const started = await admin<{ job: JobView }>('POST', '/exports', { jid: alice.jid });
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body.job.id);
    expect(job.status).toBe('completed');
    expect(job.kind).toBe('export');
    expect(job.services.accounts?.status).toBe('completed');
    expect(job.services.accounts?.records).toBe(1);

    const download = await admin<Buffer>('GET', `/exports/${job.id}/archive`);
    expect(download.status).toBe(200);
    const files = await readZip(download.body);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
    expect(manifest.subject).toBe(alice.jid);
    // Every service the job asked appears in the manifest.
    expect(Object.keys(manifest.services).sort()).toEqual(Object.keys(job.services).sort());
    for (const service of Object.values(manifest.services)) {
      for (const dataset of service.datasets) {
        for (const [name, sha256] of Object.entries(dataset.files)) {
          expect(createHash('sha256').update(files.get(name)!).digest('hex')).toBe(sha256);
        }
      }
    }
    const rows = JSON.parse(files.get('accounts/account.json')!.toString('utf8')) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.jid).toBe(alice.jid);
    expect(Date.parse(rows[0]!.created_at!)).not.toBeNaN();
    expect(JSON.stringify(rows)).not.toContain(alice.password);
    const csv = files.get('accounts/account.csv')!.toString('utf8').trim().split(/\r?\n/);
    expect(csv[0]).toBe('jid,created_at');
    expect(csv[1]).toContain(alice.jid);
  });

  it('answers an unknown JID with 404 and starts no job', async () => {
    const before = await admin<JobView[]>('GET', '/jobs');
    const response = await admin('POST', '/exports', { jid: 'nobody-ever@localhost' });
    expect(response.status).toBe(404);
    const after = await admin<JobView[]>('GET', '/jobs');
    expect(after.body.length).toBe(before.body.length);
  });

  it('serves no archive before the job completes or for an unknown job', async () => {
    const unknown = await admin('GET', '/exports/00000000-0000-4000-8000-000000000000/archive');
    expect(unknown.status).toBe(404);
  });
});
