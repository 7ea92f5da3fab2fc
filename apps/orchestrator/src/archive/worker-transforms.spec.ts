import { describe, it, expect, afterEach } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineTransform } from './dataset-transform';
import { WorkerTransforms } from './worker-transforms';

// A worker thread runs JavaScript: the spec uses the built script (`pnpm build` comes first in
// `pnpm test`).
const script = resolve(__dirname, '../../dist/archive/transform-worker.js');

const columns = ['jid', 'name'];
const ndjson = Buffer.from(
  '{"jid":"bob@example.org","name":"=cmd"}\n\n{"jid":"carol@example.org"}\n{"jid":"dave@exa',
);
const tail = Buffer.from('mple.org","name":"Dave, D."}');

describe('WorkerTransforms', () => {
  let transforms: WorkerTransforms | undefined;

  afterEach(async () => {
    await transforms?.close();
  });

  it('has been built', () => {
    expect(existsSync(script), `${script} is missing: run pnpm build`).toBe(true);
  });

  it('gives the same pieces as the transform on the calling thread', async () => {
    transforms = new WorkerTransforms(script);
    const threaded = transforms.open('roster/roster', columns);
    const inline = new LineTransform('roster/roster', columns);
    // A view on a larger buffer: only its own bytes count.
    const view = Buffer.concat([Buffer.from('xx'), ndjson]).subarray(2);
    const pieces = [await threaded.push(view), await threaded.push(tail), await threaded.end()];
    const expected = [inline.push(ndjson), inline.push(tail), inline.end()];
    expect(pieces.map((p) => [p.json.toString(), p.csv.toString(), p.rows])).toEqual(
      expected.map((p) => [p.json.toString(), p.csv.toString(), p.rows]),
    );
    expect(pieces.reduce((sum, p) => sum + p.rows, 0)).toBe(3);
  });

  it('keeps concurrent datasets apart and reports a bad line of one of them', async () => {
    transforms = new WorkerTransforms(script);
    const good = transforms.open('a/good', columns);
    const bad = transforms.open('b/bad', columns);
    const [fine, broken] = await Promise.allSettled([
      good.push(Buffer.from('{"jid":"x@example.org"}\n')),
      bad.push(Buffer.from('{"jid":"y@example.org"}\n{"jid": oops}\n')),
    ]);
    expect(fine).toMatchObject({ status: 'fulfilled', value: { rows: 1 } });
    expect(broken).toMatchObject({
      status: 'rejected',
      reason: expect.objectContaining({ message: 'b/bad: line 2 is not JSON' }),
    });
    expect((await good.end()).rows).toBe(0);
  });

  it('fails what is waiting when the thread ends, and starts a new one for the next dataset', async () => {
    transforms = new WorkerTransforms(script);
    const first = transforms.open('a/first', columns);
    const waiting = first.push(Buffer.from('{"jid":"x@example.org"}\n'));
    const failed = expect(waiting).rejects.toThrow('stopped');
    await transforms.close();
    await failed;
    await expect(first.end()).rejects.toThrow('ended');
    const second = transforms.open('a/second', columns);
    expect((await second.push(Buffer.from('{"jid":"x@example.org"}\n'))).rows).toBe(1);
  });
});
