import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildArchive, type ArchiveInput, type Manifest } from './archive-builder';
import type { ObjectSource } from './object-source';
import { readZip as readEntries } from './zip-reader.spec-helper';

class FakeObjects implements ObjectSource {
  readonly objects = new Map<string, string | Buffer>();
  chunkBytes = 7;
  async open(name: string): Promise<Readable> {
    const content = this.objects.get(name);
    if (content === undefined) {
      throw new Error(`no object ${name}`);
    }
    // Small chunks, so lines (and characters) are split as they are in the object store.
    const bytes = Buffer.from(content);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += this.chunkBytes) {
      chunks.push(bytes.subarray(at, at + this.chunkBytes));
    }
    return Readable.from(chunks, { objectMode: false });
  }
  async delete(name: string): Promise<void> {
    this.objects.delete(name);
  }
}

async function readZip(path: string): Promise<Map<string, Buffer>> {
  const entries = await readEntries(path);
  return new Map([...entries].map(([name, entry]) => [name, entry.content]));
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const text = (files: Map<string, Buffer>, path: string) => files.get(path)!.toString('utf8');

describe('buildArchive', () => {
  let dir: string;
  let objects: FakeObjects;
  const roster = {
    name: 'roster',
    status: 'completed',
    datasets: [
      {
        name: 'roster',
        object: 'job/roster/roster.ndjson',
        columns: ['jid', 'name', 'subscription', 'groups'],
      },
    ],
  };
  const accounts = {
    name: 'accounts',
    status: 'completed',
    datasets: [
      { name: 'account', object: 'job/accounts/account.ndjson', columns: ['jid', 'created_at'] },
    ],
  };
  const input: ArchiveInput = {
    subject: 'alice@example.org',
    createdAt: new Date('2025-01-02T03:04:05.000Z'),
    services: [
      roster,
      accounts,
      {
        name: 'vcard',
        status: 'completed',
        datasets: [],
        logs: { object: 'job/vcard/service.log' },
      },
      // Sent its log lines, but none was about the subject.
      { name: 'inbox', status: 'completed', datasets: [], logs: {} },
      {
        name: 'private',
        status: 'completed',
        // Never announced: the CSV header comes from the rows.
        datasets: [{ name: 'private', object: 'job/private/private.ndjson' }],
      },
    ],
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchestrator-archive-'));
    objects = new FakeObjects();
    objects.objects.set(
      'job/roster/roster.ndjson',
      '{"jid":"bob@example.org","name":"Bob, \\"B\\" ✓","subscription":"both","groups":["friends"]}\n' +
        '\n{"jid":"carol@example.org","subscription":"to","groups":[]}\n',
    );
    objects.objects.set(
      'job/accounts/account.ndjson',
      '{"jid":"alice@example.org","created_at":"2024-12-01T00:00:00.000Z"}\n',
    );
    objects.objects.set(
      'job/private/private.ndjson',
      '{"ns":"a:b","xml":"<q/>"}\n{"ns":"c","extra":1}',
    );
    objects.objects.set(
      'job/vcard/service.log',
      'INFO vcard stored the vCard of u-1a2b\nDEBUG vcard served u-1a2b',
    );
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes JSON and CSV per dataset, log files, and a manifest whose hashes match', async () => {
    const zipPath = join(dir, 'job.zip');
    const manifest = await buildArchive(input, objects, zipPath);
    const files = await readZip(zipPath);

    expect([...files.keys()].sort()).toEqual([
      'accounts/account.csv',
      'accounts/account.json',
      'logs/inbox.log',
      'logs/vcard.log',
      'manifest.json',
      'private/private.csv',
      'private/private.json',
      'roster/roster.csv',
      'roster/roster.json',
    ]);
    const stored = JSON.parse(text(files, 'manifest.json')) as Manifest;
    expect(stored).toEqual(manifest);
    expect(stored).toMatchObject({
      formatVersion: 1,
      subject: 'alice@example.org',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(Object.keys(stored.services).sort()).toEqual([
      'accounts',
      'inbox',
      'private',
      'roster',
      'vcard',
    ]);
    expect(stored.services.roster.datasets).toEqual([
      expect.objectContaining({ name: 'roster', rows: 2 }),
    ]);
    for (const service of Object.values(stored.services)) {
      for (const dataset of service.datasets) {
        expect(Object.keys(dataset.files)).toHaveLength(2);
        for (const [path, hash] of Object.entries(dataset.files)) {
          expect(sha256(files.get(path)!), path).toBe(hash);
        }
      }
    }

    expect(JSON.parse(text(files, 'roster/roster.json'))).toEqual([
      { jid: 'bob@example.org', name: 'Bob, "B" ✓', subscription: 'both', groups: ['friends'] },
      { jid: 'carol@example.org', subscription: 'to', groups: [] },
    ]);
    expect(text(files, 'roster/roster.csv')).toBe(
      'jid,name,subscription,groups\r\n' +
        'bob@example.org,"Bob, ""B"" ✓",both,"[""friends""]"\r\n' +
        'carol@example.org,,to,[]\r\n',
    );
    expect(text(files, 'private/private.csv')).toBe('ns,xml,extra\r\na:b,<q/>,\r\nc,,1\r\n');
    // Only the zip is left: no temp files.
    expect(await readdir(dir)).toEqual(['job.zip']);
    expect((await stat(zipPath)).mode & 0o777).toBe(0o600);
  });

  it('writes the log lines of each service that sent them, an empty file when there were none', async () => {
    const zipPath = join(dir, 'logs.zip');
    const manifest = await buildArchive(input, objects, zipPath);
    const files = await readZip(zipPath);

    expect(text(files, 'logs/vcard.log')).toBe(
      'INFO vcard stored the vCard of u-1a2b\nDEBUG vcard served u-1a2b',
    );
    expect(manifest.services.vcard).toEqual({
      status: 'completed',
      datasets: [],
      logs: { file: 'logs/vcard.log', lines: 2, sha256: sha256(files.get('logs/vcard.log')!) },
    });
    expect(files.get('logs/inbox.log')).toEqual(Buffer.alloc(0));
    expect(manifest.services.inbox.logs).toEqual({
      file: 'logs/inbox.log',
      lines: 0,
      sha256: sha256(Buffer.alloc(0)),
    });
    // A service that keeps no log store has no log file.
    expect(manifest.services.roster).not.toHaveProperty('logs');
  });

  it('keeps the exact data in JSON and neutralises formulas in CSV', async () => {
    objects.objects.set(
      'job/accounts/account.ndjson',
      '{"jid":"=1+1@example.org","created_at":12345678901234567890}\n',
    );
    const zipPath = join(dir, 'exact.zip');
    await buildArchive({ ...input, services: [accounts] }, objects, zipPath);
    const files = await readZip(zipPath);
    // The line as the service wrote it: no precision lost to a parse and a serialisation.
    expect(text(files, 'accounts/account.json')).toBe(
      '[\n{"jid":"=1+1@example.org","created_at":12345678901234567890}\n]\n',
    );
    expect(text(files, 'accounts/account.csv')).toBe(
      `jid,created_at\r\n"'=1+1@example.org",12345678901234567000\r\n`,
    );
  });

  it('writes an empty dataset as [] and a header only', async () => {
    objects.objects.set('job/accounts/account.ndjson', '');
    const zipPath = join(dir, 'empty.zip');
    const manifest = await buildArchive({ ...input, services: [accounts] }, objects, zipPath);
    const files = await readZip(zipPath);
    expect(text(files, 'accounts/account.json')).toBe('[]\n');
    expect(text(files, 'accounts/account.csv')).toBe('jid,created_at\r\n');
    expect(manifest.services.accounts.datasets[0].rows).toBe(0);
  });

  it('leaves no zip behind when an object is missing or malformed', async () => {
    objects.objects.delete('job/roster/roster.ndjson');
    await expect(buildArchive(input, objects, join(dir, 'a.zip'))).rejects.toThrow('no object');
    objects.objects.set('job/roster/roster.ndjson', '{"jid": broken\n');
    await expect(buildArchive(input, objects, join(dir, 'b.zip'))).rejects.toThrow(
      'roster/roster: line 1 is not JSON',
    );
    objects.objects.set('job/roster/roster.ndjson', '{"jid":"a"}\n["not an object"]\n');
    await expect(buildArchive(input, objects, join(dir, 'c.zip'))).rejects.toThrow(
      'roster/roster: line 2 is not a JSON object',
    );
    // A byte sequence that is not UTF-8 (0xc3 0x28) must not reach the JSON file as it is.
    objects.objects.set(
      'job/roster/roster.ndjson',
      Buffer.concat([Buffer.from('{"jid":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    );
    await expect(buildArchive(input, objects, join(dir, 'd.zip'))).rejects.toThrow(
      'roster/roster: line 1 is not UTF-8',
    );
    objects.objects.delete('job/vcard/service.log');
    objects.objects.set('job/roster/roster.ndjson', '');
    await expect(buildArchive(input, objects, join(dir, 'e.zip'))).rejects.toThrow('no object');
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails when the object stream fails half way', async () => {
    const failing: ObjectSource = {
      open: async () =>
        Readable.from(
          (async function* () {
            yield Buffer.from('{"jid":"x@example.org"}\n');
            throw new Error('chunk lost');
          })(),
          { objectMode: false },
        ),
      delete: async () => undefined,
    };
    await expect(
      buildArchive({ ...input, services: [accounts] }, failing, join(dir, 'c.zip')),
    ).rejects.toThrow('chunk lost');
    expect(await readdir(dir)).toEqual([]);
  });

  it('streams a dataset larger than the buffers along the way', async () => {
    const line = (n: number) =>
      JSON.stringify({ jid: `u${n}@example.org`, created_at: 'x'.repeat(500) });
    const count = 20_000;
    objects.chunkBytes = 64 * 1024;
    objects.objects.set(
      'job/accounts/account.ndjson',
      Array.from({ length: count }, (_, n) => line(n) + '\n').join(''),
    );
    const zipPath = join(dir, 'large.zip');
    const manifest = await buildArchive({ ...input, services: [accounts] }, objects, zipPath);
    const files = await readZip(zipPath);
    const rows = JSON.parse(text(files, 'accounts/account.json')) as { jid: string }[];
    expect(rows).toHaveLength(count);
    expect(rows[count - 1].jid).toBe(`u${count - 1}@example.org`);
    expect(text(files, 'accounts/account.csv').split('\r\n')).toHaveLength(count + 2);
    expect(manifest.services.accounts.datasets[0].rows).toBe(count);
  });
});
