import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DatasetFiles } from './dataset-files';
import type { DatasetPiece, DatasetTransforms } from './dataset-transform';

// Each chunk becomes a JSON piece larger than the deflate's 8 MiB lead, so that writing it must
// wait for the deflate to drain, and one CSV record.
const PIECE_BYTES = 9 * 1024 * 1024;

function bigPieces(): { transforms: DatasetTransforms; json: Buffer[] } {
  const json: Buffer[] = [];
  const transforms: DatasetTransforms = {
    open: () => ({
      push: () => {
        // Random bytes: they do not compress, so the deflate takes a while with each.
        const piece: DatasetPiece = {
          json: randomBytes(PIECE_BYTES),
          csv: Buffer.from(`${json.length}\r\n`),
          rows: 1,
        };
        json.push(piece.json);
        return Promise.resolve(piece);
      },
      end: () => Promise.resolve({ json: Buffer.alloc(0), csv: Buffer.alloc(0), rows: 0 }),
      close: () => undefined,
    }),
  };
  return { transforms, json };
}

describe('DatasetFiles', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sotto-dataset-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets a push still writing end first: its piece in order, its rows counted', async () => {
    const { transforms, json } = bigPieces();
    const files = new DatasetFiles(transforms, 'archive/mam_pm', ['n'], (file) =>
      join(dir, `${file}.deflate`),
    );
    for (let n = 0; n < 3; n++) {
      await files.push(Buffer.from('chunk'));
    }
    // The fourth push writes the first piece and waits for the deflate; the caller does not
    // wait for it (as a tail taken by the archive while its last chunk is being pushed).
    const lastPush = files.push(Buffer.from('chunk'));
    const finished = files.finish();

    const [, written] = await Promise.all([lastPush, finished]);
    expect(written.rows).toBe(4);
    const jsonFile = inflateRawSync(readFileSync(written.json.path!));
    // `[`, the four pieces in the order they were pushed, then the closing line.
    expect(jsonFile.equals(Buffer.concat([Buffer.from('['), ...json, Buffer.from('\n]\n')]))).toBe(
      true,
    );
    expect(written.csv.size).toBe(Buffer.byteLength('n\r\n0\r\n1\r\n2\r\n3\r\n'));
  }, 30_000);
});
