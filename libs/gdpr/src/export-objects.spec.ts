import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { NatsClient } from '@sotto/nats';
import { ExportObjects } from './export-objects';

// Against the real NATS, in a bucket of its own per run that is destroyed after.
const bucket = `spec_exports_${randomBytes(6).toString('hex')}`;
const MiB = 1024 * 1024;

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull: (controller) => {
      const chunk = chunks[next++];
      if (chunk === undefined) {
        controller.close();
      } else {
        controller.enqueue(chunk);
      }
    },
  });
}

/** The SHA-256 of everything read: large buffers compare slowly in `expect`. */
async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) {
    hash.update(chunk);
  }
  return hash.digest('hex');
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('ExportObjects', () => {
  let nats: NatsClient;
  let jsm: JetStreamManager;
  let library: ObjectStore;
  let sut: ExportObjects;
  // 2.5 MiB in uneven pieces: three chunks of at most 1 MiB. The first piece fits and is a chunk
  // of its own; the second is cut at 1 MiB, and what is left of it is joined to the third.
  const data = randomBytes(2.5 * MiB);
  const pieces = [
    data.subarray(0, 700_000),
    data.subarray(700_000, 2 * MiB + 3),
    data.subarray(2 * MiB + 3),
  ];

  beforeAll(async () => {
    nats = await NatsClient.connect({ url: 'nats://127.0.0.1:4222', name: 'export-objects-spec' });
    jsm = await jetstream(nats.connection).jetstreamManager();
    library = await new Objm(nats.connection).create(bucket);
    sut = new ExportObjects(nats.connection, bucket);
  });

  afterAll(async () => {
    await library?.destroy().catch(() => undefined);
    await nats?.connection.close();
  });

  it('writes objects the library reads, in chunks of at most 1 MiB with the same digest', async () => {
    const info = await sut.put({ name: 'job/svc/a.ndjson' }, streamOf(...pieces));
    expect(info).toMatchObject({ name: 'job/svc/a.ndjson', size: data.length, chunks: 3 });

    const stored = await library.info('job/svc/a.ndjson');
    expect(stored).toMatchObject({ size: data.length, chunks: 3, digest: info.digest });
    const got = await library.get('job/svc/a.ndjson');
    expect(await readAll(got!.data)).toBe(sha256(data));
    expect(await got!.error).toBeFalsy();
  });

  it('reads what the library wrote, and what it wrote itself', async () => {
    await library.put(
      { name: 'by-library', options: { max_chunk_size: 128 * 1024 } },
      streamOf(data),
    );
    expect(await readAll(sut.read('by-library'))).toBe(sha256(data));

    await sut.put({ name: 'by-itself' }, streamOf(...pieces));
    expect(await readAll(sut.read('by-itself'))).toBe(sha256(data));
  });

  it('writes and reads an empty object', async () => {
    const info = await sut.put({ name: 'empty' }, streamOf());
    expect(info).toMatchObject({ size: 0, chunks: 0 });
    expect(await readAll(sut.read('empty'))).toBe(sha256(Buffer.alloc(0)));
    expect(await library.getBlob('empty')).toEqual(new Uint8Array(0));
  });

  it('replaces an object of the same name and purges its old chunks', async () => {
    const first = await sut.put({ name: 'again' }, streamOf(data));
    const second = await sut.put({ name: 'again' }, streamOf(Buffer.from('second')));
    expect(await readAll(sut.read('again'))).toBe(sha256(Buffer.from('second')));
    const oldChunks = `$O.${bucket}.C.${first.nuid}`;
    const state = await jsm.streams.info(`OBJ_${bucket}`, { subjects_filter: oldChunks });
    expect(state.state.subjects?.[oldChunks] ?? 0).toBe(0);
    expect(second.nuid).not.toBe(first.nuid);
  });

  it('refuses to read an object that is missing, deleted, incomplete or altered', async () => {
    await expect(readAll(sut.read('never-written'))).rejects.toThrow('is missing');

    await sut.put({ name: 'deleted' }, streamOf(data));
    await library.delete('deleted');
    await expect(readAll(sut.read('deleted'))).rejects.toThrow('is missing');

    const incomplete = await sut.put({ name: 'incomplete' }, streamOf(data));
    await jsm.streams.purge(`OBJ_${bucket}`, { filter: `$O.${bucket}.C.${incomplete.nuid}` });
    await expect(readAll(sut.read('incomplete'))).rejects.toThrow('has 0 of its 3 chunks');

    // The meta record claims other content than the chunks hold.
    const altered = await sut.put({ name: 'altered' }, streamOf(data));
    const other = createHash('sha256').update('other').digest('base64url');
    const meta = await jsm.streams.getMessage(`OBJ_${bucket}`, { seq: altered.revision });
    const record = { ...meta!.json<Record<string, unknown>>(), digest: `SHA-256=${other}=` };
    await jetstream(nats.connection).publish(meta!.subject, JSON.stringify(record));
    await expect(readAll(sut.read('altered'))).rejects.toThrow('does not match its digest');
  });

  it('leaves nothing behind when the data fails half way', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(data.subarray(0, 1.5 * MiB));
        controller.error(new Error('provider failed'));
      },
    });
    await expect(sut.put({ name: 'failed' }, failing)).rejects.toThrow('provider failed');
    expect(await library.info('failed')).toBeNull();
    const state = await jsm.streams.info(`OBJ_${bucket}`, { subjects_filter: `$O.${bucket}.C.>` });
    const live = await library.list();
    const liveChunks = new Set(live.map((o) => `$O.${bucket}.C.${o.nuid}`));
    const stray = Object.keys(state.state.subjects ?? {}).filter((s) => !liveChunks.has(s));
    expect(stray).toEqual([]);
  });

  it('keeps pieces that fit in a chunk whole, joining only small ones', async () => {
    const follower = await sut.follow('job-2.svc');
    const sizes: number[] = [];
    const following = (async () => {
      for await (const chunk of follower.chunks) {
        sizes.push(chunk.data.byteLength);
        if (sizes.length === 3) {
          return;
        }
      }
    })();
    // Pages of whole lines, as the archive hands them on, then two small ones.
    const pages = [data.subarray(0, 900_000), data.subarray(900_000, 1_940_000)];
    const small = [data.subarray(1_940_000, 1_950_000), data.subarray(1_950_000, 1_960_000)];
    const info = await sut.put({ name: 'pages' }, streamOf(...pages, ...small), {
      chunkPrefix: 'job-2.svc',
    });
    await following;
    await follower.stop();
    expect(sizes).toEqual([900_000, 1_040_000, 20_000]);
    expect(info).toMatchObject({ size: 1_960_000, chunks: 3 });
    expect(await readAll(sut.read('pages'))).toBe(sha256(data.subarray(0, 1_960_000)));
  });

  it('writes under a chunk prefix that a follower sees while the object is written', async () => {
    const follower = await sut.follow('job-1.svc');
    const seen: { nuid: string; bytes: number }[] = [];
    const following = (async () => {
      for await (const chunk of follower.chunks) {
        seen.push({ nuid: chunk.nuid, bytes: chunk.data.byteLength });
        if (seen.length === 3) {
          return;
        }
      }
    })();
    const info = await sut.put({ name: 'prefixed' }, streamOf(...pieces), {
      chunkPrefix: 'job-1.svc',
    });
    await following;
    await follower.stop();
    expect(info.nuid).toMatch(/^job-1\.svc\.\w+$/);
    expect(seen).toEqual([
      { nuid: info.nuid, bytes: 700_000 },
      { nuid: info.nuid, bytes: MiB },
      { nuid: info.nuid, bytes: data.length - 700_000 - MiB },
    ]);
    // Still an object of the store's own layout: the library reads it.
    const got = await library.get('prefixed');
    expect(await readAll(got!.data)).toBe(sha256(data));
    await expect(sut.info('prefixed')).resolves.toMatchObject({ nuid: info.nuid, chunks: 3 });
    await expect(sut.put({ name: 'bad' }, streamOf(data), { chunkPrefix: 'a.>' })).rejects.toThrow(
      'not a chunk prefix',
    );
  });
});
