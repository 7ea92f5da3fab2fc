import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { buildArchive, type ArchiveInput, type Manifest } from './archive-builder';
import type { ObjectSource } from './object-source';

class FakeObjects implements ObjectSource {
  readonly objects = new Map<string, string>();
  async open(name: string): Promise<Readable> {
    const text = this.objects.get(name);
    if (text === undefined) {
      throw new Error(`no object ${name}`);
    }
    // Small chunks, so lines are split across chunks as they are in the object store.
    return Readable.from(text.match(/[\s\S]{1,7}/g) ?? [], { objectMode: false });
  }
  async delete(name: string): Promise<void> {
    this.objects.delete(name);
  }
}

function readZip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) {
        return reject(error);
      }
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) {
            return reject(err);
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('buildArchive', () => {
  let dir: string;
  let objects: FakeObjects;
  const input: ArchiveInput = {
    subject: 'alice@example.org',
    createdAt: new Date('2025-01-02T03:04:05.000Z'),
    services: [
      {
        name: 'roster',
        status: 'completed',
        datasets: [
          {
            name: 'roster',
            object: 'job/roster/roster.ndjson',
            columns: ['jid', 'name', 'subscription', 'groups'],
          },
        ],
      },
      {
        name: 'accounts',
        status: 'completed',
        datasets: [
          {
            name: 'account',
            object: 'job/accounts/account.ndjson',
            columns: ['jid', 'created_at'],
          },
        ],
      },
      { name: 'vcard', status: 'completed', datasets: [] },
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
      '{"jid":"bob@example.org","name":"Bob, \\"B\\"","subscription":"both","groups":["friends"]}\n' +
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
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes JSON and CSV per dataset and a manifest whose hashes match the files', async () => {
    const zipPath = join(dir, 'job.zip');
    const manifest = await buildArchive(input, objects, zipPath);
    const files = await readZip(zipPath);

    expect([...files.keys()].sort()).toEqual([
      'accounts/account.csv',
      'accounts/account.json',
      'manifest.json',
      'private/private.csv',
      'private/private.json',
      'roster/roster.csv',
      'roster/roster.json',
    ]);
    const stored = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
    expect(stored).toEqual(manifest);
    expect(stored).toMatchObject({
      formatVersion: 1,
      subject: 'alice@example.org',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(Object.keys(stored.services).sort()).toEqual(['accounts', 'private', 'roster', 'vcard']);
    expect(stored.services.vcard).toEqual({ status: 'completed', datasets: [] });
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

    expect(JSON.parse(files.get('roster/roster.json')!.toString('utf8'))).toEqual([
      { jid: 'bob@example.org', name: 'Bob, "B"', subscription: 'both', groups: ['friends'] },
      { jid: 'carol@example.org', subscription: 'to', groups: [] },
    ]);
    expect(files.get('roster/roster.csv')!.toString('utf8')).toBe(
      'jid,name,subscription,groups\r\n' +
        'bob@example.org,"Bob, ""B""",both,"[""friends""]"\r\n' +
        'carol@example.org,,to,[]\r\n',
    );
    expect(files.get('private/private.csv')!.toString('utf8')).toBe(
      'ns,xml,extra\r\na:b,<q/>,\r\nc,,1\r\n',
    );
    // Only the zip is left: no temp files.
    expect(await readdir(dir)).toEqual(['job.zip']);
    expect((await stat(zipPath)).mode & 0o777).toBe(0o600);
  });

  it('writes an empty dataset as [] and a header only', async () => {
    objects.objects.set('job/accounts/account.ndjson', '');
    const zipPath = join(dir, 'empty.zip');
    const manifest = await buildArchive(
      { ...input, services: [input.services[1]] },
      objects,
      zipPath,
    );
    const files = await readZip(zipPath);
    expect(files.get('accounts/account.json')!.toString('utf8')).toBe('[]\n');
    expect(files.get('accounts/account.csv')!.toString('utf8')).toBe('jid,created_at\r\n');
    expect(manifest.services.accounts.datasets[0].rows).toBe(0);
  });

  it('leaves no zip behind when an object is missing or malformed', async () => {
    objects.objects.delete('job/roster/roster.ndjson');
    await expect(buildArchive(input, objects, join(dir, 'a.zip'))).rejects.toThrow('no object');
    objects.objects.set('job/roster/roster.ndjson', '{"jid": broken\n');
    await expect(buildArchive(input, objects, join(dir, 'b.zip'))).rejects.toThrow(
      'roster/roster: line 1 is not JSON',
    );
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
      buildArchive({ ...input, services: [input.services[1]] }, failing, join(dir, 'c.zip')),
    ).rejects.toThrow('chunk lost');
    expect(await readdir(dir)).toEqual([]);
  });
});
