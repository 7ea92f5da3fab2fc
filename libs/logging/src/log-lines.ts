import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink, utimes } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMissing } from './log-segments';

/** Yields the lines of `paths`, in order, that contain `needle`; each file is read as a stream. */
export async function* linesContaining(
  paths: readonly string[],
  needle: string,
): AsyncGenerator<string> {
  for (const path of paths) {
    for await (const line of readLines(path)) {
      if (line.includes(needle)) {
        yield line;
      }
    }
  }
}

/**
 * Rewrites the file without the lines that contain `needle` and returns how many went. The new
 * version is written beside it and renamed over it, so a crash leaves one version or the other,
 * whole; it keeps the old modification time, so the rewrite does not extend its retention. A file
 * without such a line is not touched.
 */
export async function removeLinesContaining(path: string, needle: string): Promise<number> {
  let before;
  try {
    before = await stat(path);
  } catch (error) {
    if (isMissing(error)) {
      return 0;
    }
    throw error;
  }
  if (!(await fileContains(path, needle))) {
    return 0;
  }
  let removed = 0;
  async function* kept(): AsyncGenerator<string> {
    for await (const line of readLines(path)) {
      if (line.includes(needle)) {
        removed++;
      } else {
        yield `${line}\n`;
      }
    }
  }
  const temporary = `${path}.rewrite-${process.pid}`;
  try {
    await pipeline(Readable.from(kept()), createWriteStream(temporary, { mode: 0o600 }));
    await utimes(temporary, before.atime, before.mtime);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return removed;
}

async function* readLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8' });
  try {
    // Opening errors surface through the first read; a file pruned meanwhile has no lines.
    yield* createInterface({ input, crlfDelay: Infinity });
  } catch (error) {
    if (!isMissing(error)) {
      throw error;
    }
  } finally {
    input.destroy();
  }
}

// A cheap first pass over raw bytes: most files of a service hold no line about the subject.
async function fileContains(path: string, needle: string): Promise<boolean> {
  const wanted = Buffer.from(needle, 'utf8');
  let tail = Buffer.alloc(0);
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      // Keep the end of the previous chunk: the needle may straddle two chunks.
      const window = Buffer.concat([tail, chunk]);
      if (window.includes(wanted)) {
        return true;
      }
      tail = window.subarray(Math.max(0, window.length - wanted.length + 1));
    }
  } catch (error) {
    if (!isMissing(error)) {
      throw error;
    }
  }
  return false;
}
