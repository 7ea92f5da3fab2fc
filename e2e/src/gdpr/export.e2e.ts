import { afterEach, describe, expect, inject, it } from 'vitest';
import { createHash } from 'node:crypto';
import { xml } from '@xmpp/client';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { createAccount, type TestAccount } from '../support/accounts';
import { pseudonymOf } from '../support/service-logs';
import { connectXmpp } from '../support/xmpp-session';
import { readZip } from '../support/zip';

interface Manifest {
  subject: string;
  createdAt: string;
  formatVersion: number;
  services: Record<
    string,
    {
      status: string;
      datasets: { name: string; rows: number; files: Record<string, string> }[];
      logs?: { file: string; lines: number; sha256: string };
    }
  >;
}

const [gateway] = inject('gateways');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Sets the user's vCard (which the vcard service logs) and a roster item with `name`. */
async function leaveData(account: TestAccount, contact: string, name: string): Promise<void> {
  const session = await connectXmpp({ service: gateway!.ws, account, resource: 'phone' });
  cleanups.push(() => session.stop());
  await session.xmpp.iqCaller.request(
    xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Alice'))),
  );
  await session.xmpp.iqCaller.request(
    xml(
      'iq',
      { type: 'set' },
      xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: contact, name })),
    ),
  );
}

async function exportOf(jid: string): Promise<{ job: JobView; files: Map<string, Buffer> }> {
  const started = await admin<{ job: JobView }>('POST', '/exports', { jid });
  expect(started.status).toBe(202);
  const job = await waitForJob(started.body.job.id);
  expect(job.status).toBe('completed');
  const download = await admin<Buffer>('GET', `/exports/${job.id}/archive`);
  expect(download.status).toBe(200);
  return { job, files: await readZip(download.body) };
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
        for (const [name, hash] of Object.entries(dataset.files)) {
          expect(sha256(files.get(name)!)).toBe(hash);
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

  it('holds the log lines each service keeps about the subject, and CSV cells a spreadsheet cannot run', async () => {
    const alice = await createAccount('exported');
    const bob = await createAccount('contact');
    await leaveData(alice, bob.jid, '=HYPERLINK("http://attacker.example","open")');
    const { files } = await exportOf(alice.jid);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;

    // Every service that sent its log lines has its file, empty or not, listed with its hash.
    const logged = Object.entries(manifest.services).filter(([, service]) => service.logs);
    for (const [name, service] of logged) {
      expect(service.logs!.file).toBe(`logs/${name}.log`);
      const log = files.get(service.logs!.file);
      expect(log, service.logs!.file).toBeDefined();
      expect(sha256(log!)).toBe(service.logs!.sha256);
    }
    // The vcard service logged the vCard it stored, under the subject's pseudonym only.
    const vcard = manifest.services.vcard?.logs;
    expect(vcard?.lines).toBeGreaterThan(0);
    const vcardLines = files.get('logs/vcard.log')!.toString('utf8').trim().split('\n');
    expect(vcardLines).toHaveLength(vcard!.lines);
    for (const line of vcardLines) {
      expect(line).toContain(pseudonymOf(alice.jid));
      expect(line).not.toContain(alice.jid);
    }

    // The JSON keeps the name as it is; the CSV cell shows it as text instead of running it.
    const roster = JSON.parse(files.get('roster/roster.json')!.toString('utf8')) as {
      name: string;
    }[];
    expect(roster.map((item) => item.name)).toEqual([
      '=HYPERLINK("http://attacker.example","open")',
    ]);
    const csv = files.get('roster/roster.csv')!.toString('utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://attacker.example"",""open"")"`);
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
