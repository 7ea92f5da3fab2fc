import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { readZip, type ReadEntry } from './zip-reader.spec-helper';
import { ZipWriter, type DeflatedFile } from './zip-writer';

describe('ZipWriter', () => {
  let dir: string;
  const modified = new Date(2025, 0, 2, 3, 4, 6);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-writer-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function deflatedFile(name: string, content: Buffer): Promise<DeflatedFile> {
    const deflated = deflateRawSync(content, { level: 1 });
    const path = join(dir, `${name}.deflate`);
    await writeFile(path, deflated);
    return { path, crc32: crc32(content), size: content.length, compressedSize: deflated.length };
  }

  async function write(
    files: Record<string, Buffer>,
    zip64Above?: number,
  ): Promise<Map<string, ReadEntry>> {
    const zipPath = join(dir, 'out.zip');
    const out = await open(zipPath, 'w');
    const zip = new ZipWriter(out, modified, zip64Above);
    for (const [name, content] of Object.entries(files)) {
      if (name === 'manifest.json') {
        await zip.addBuffer(name, content);
      } else {
        await zip.addDeflated(name, await deflatedFile(name.replace(/\W/g, '_'), content));
      }
    }
    await zip.finish();
    await out.close();
    return readZip(zipPath);
  }

  const files = {
    'roster/roster.json': Buffer.from('[\n{"jid":"bob@example.org","name":"Bøb ✓"}\n]\n'),
    'roster/roster.csv': Buffer.from('jid,name\r\nbob@example.org,Bøb ✓\r\n'.repeat(1000)),
    'logs/empty.log': Buffer.alloc(0),
    'manifest.json': Buffer.from('{"formatVersion":1}\n'),
  };

  it('writes entries that a zip reader lists, inflates and checks', async () => {
    const entries = await write(files);
    expect([...entries.keys()]).toEqual(Object.keys(files));
    for (const [name, content] of Object.entries(files)) {
      const entry = entries.get(name)!;
      expect(entry.content.equals(content), name).toBe(true);
      expect(entry.crc32, name).toBe(crc32(content));
      // Readable and writable by the owner only: archives hold personal data.
      expect(entry.mode, name).toBe(0o100600);
      expect(entry.modified, name).toEqual(modified);
      expect(entry.zip64, name).toBe(false);
    }
  });

  it('writes ZIP64 fields where sizes and offsets need them', async () => {
    // Every size and offset above 16 bytes counts as too large for 32 bits.
    const entries = await write(files, 16);
    expect([...entries.keys()]).toEqual(Object.keys(files));
    for (const [name, content] of Object.entries(files)) {
      expect(entries.get(name)!.content.equals(content), name).toBe(true);
    }
    expect(entries.get('roster/roster.csv')!.zip64).toBe(true);
  });

  it('refuses a part whose bytes on disk are not the size it was given', async () => {
    const out = await open(join(dir, 'bad.zip'), 'w');
    const zip = new ZipWriter(out, modified);
    const file = await deflatedFile('x', Buffer.from('some rows'));
    await expect(
      zip.addDeflated('x.json', { ...file, compressedSize: file.compressedSize + 1 }),
    ).rejects.toThrow('x.json');
    await out.close();
  });
});
