import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { collectedChunkPrefix, collectedObjectName } from '@sotto/contracts';
import { ExportObjects } from '@sotto/gdpr';
import { NatsClient } from '@sotto/nats';
import { inlineTransforms } from './dataset-transform';
import type { WrittenPart } from './deflated-part';
import { ExportTail, type ChunkSource } from './export-tail';

// Against the real NATS, in a bucket of its own per run that is destroyed after.
const bucket = `spec_tail_${randomBytes(6).toString('hex')}`;
const columns = ['id', 'message'];

function rowsOf(count: number, tag: string): string {
  let text = '';
  for (let n = 0; n < count; n++) {
    text += JSON.stringify({ id: `${tag}-${n}`, message: `<message>${'x'.repeat(300)}</message>` });
    text += '\n';
  }
  return text;
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      // Pieces of 300 KiB: several chunks of 1 MiB, lines cut across them.
      controller.enqueue(bytes.subarray(at, at + 300 * 1024));
      at += 300 * 1024;
    },
  });
}

function contentOf(part: WrittenPart): string {
  expect(part.data, 'a large file is on disk, not in memory').toBeUndefined();
  return inflateRawSync(readFileSync(part.path!)).toString('utf8');
}

describe('ExportTail', () => {
  let nats: NatsClient;
  let library: ObjectStore;
  let objects: ExportObjects;
  let source: ChunkSource;
  let dir: string;
  let jobId: string;
  let tail: ExportTail;

  beforeAll(async () => {
    nats = await NatsClient.connect({ url: 'nats://127.0.0.1:4222', name: 'export-tail-spec' });
    library = await new Objm(nats.connection).create(bucket);
    objects = new ExportObjects(nats.connection, bucket);
    source = {
      followChunks: (prefix) => objects.follow(prefix),
      info: (name) => objects.info(name),
    };
  });

  afterAll(async () => {
    await library?.destroy().catch(() => undefined);
    await nats?.connection.close();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-tail-'));
    jobId = randomUUID();
    tail = new ExportTail(
      jobId,
      [{ service: 'archive', dataset: 'mam_pm', columns }],
      join(dir, 'tail'),
      inlineTransforms,
      source,
    );
    await tail.start();
  });

  afterEach(async () => {
    await tail.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const object = () => collectedObjectName(jobId, 'archive', 'mam_pm');
  const put = (text: string) =>
    objects.put({ name: object() }, streamOf(text), {
      chunkPrefix: collectedChunkPrefix(jobId, 'archive', 'mam_pm'),
    });

  it('builds a dataset’s files from the chunks while they are written', async () => {
    const text = rowsOf(8000, 'a');
    await put(text);
    const written = await tail.take('archive', 'mam_pm', object(), columns);
    expect(written?.rows).toBe(8000);
    const rows = JSON.parse(contentOf(written!.json)) as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    );
    const csv = contentOf(written!.csv).split('\r\n');
    expect(csv[0]).toBe('id,message');
    expect(csv[8000]).toBe('a-7999,<message>' + 'x'.repeat(300) + '</message>');
    // Taken once: the next archive of the same job would read the object again.
    expect(await tail.take('archive', 'mam_pm', object(), columns)).toBeUndefined();
  });

  it('follows the write the object ended with when it was written twice', async () => {
    await put(rowsOf(5000, 'first'));
    await put(rowsOf(4000, 'second'));
    const written = await tail.take('archive', 'mam_pm', object(), columns);
    expect(written?.rows).toBe(4000);
    expect(contentOf(written!.json)).toContain('"second-3999"');
    expect(contentOf(written!.json)).not.toContain('"first-');
  });

  it('gives nothing for a dataset it does not follow, other columns, or a small object', async () => {
    await put(rowsOf(8000, 'a'));
    expect(await tail.take('archive', 'mam_pm', object(), ['id'])).toBeUndefined();
    expect(await tail.take('archive', 'mam_muc', object(), columns)).toBeUndefined();
    // An object written without the job's chunk prefix is not followed: read the usual way.
    const other = collectedObjectName(jobId, 'archive', 'mam_prefs');
    await objects.put({ name: other }, streamOf(rowsOf(10, 'p')));
    expect(await tail.take('archive', 'mam_prefs', other, columns)).toBeUndefined();
  });

  it('gives nothing when a line is not JSON, so that the archive reads it and names the line', async () => {
    await put(rowsOf(3000, 'a') + '{"id": oops}\n' + rowsOf(3000, 'b'));
    expect(await tail.take('archive', 'mam_pm', object(), columns)).toBeUndefined();
  });

  it('stops within its grace time when the chunk consumer never ends', async () => {
    const stuck = new ExportTail(
      randomUUID(),
      [{ service: 'archive', dataset: 'mam_pm', columns }],
      join(dir, 'stuck'),
      inlineTransforms,
      {
        followChunks: () =>
          Promise.resolve({
            // A consumer that neither yields nor ends, and whose close never completes.
            chunks: {
              [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => undefined) }),
            },
            stop: () => new Promise<void>(() => undefined),
          }),
        info: () => Promise.resolve(null),
      },
      200,
    );
    await stuck.start();
    await expect(stuck.stop()).resolves.toBe('abandoned');
    expect(await readdir(dir)).not.toContain('stuck');
  });

  it('stops at once when its consumer ends', async () => {
    await put(rowsOf(100, 'a'));
    await expect(tail.stop()).resolves.toBe('stopped');
  });

  it('leaves no file behind once stopped', async () => {
    await put(rowsOf(8000, 'a'));
    await tail.stop();
    expect(await readdir(dir)).toEqual([]);
  });
});
