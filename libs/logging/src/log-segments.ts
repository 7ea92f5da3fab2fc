import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A service's log directory holds segments named `<start ms>-<pid>.log`: each process writes its
 * own (replicas on one host never share a file), and names sort in the order they were started.
 */
const SEGMENT = /^(\d{13})-(\d+)\.log$/;

export function segmentName(startedAt: number, pid: number): string {
  return `${String(startedAt).padStart(13, '0')}-${pid}.log`;
}

/** Paths of the directory's segments, oldest first; none when the directory does not exist. */
export async function listSegments(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isMissing(error)) {
      return [];
    }
    throw error;
  }
  return names
    .filter((name) => SEGMENT.test(name))
    .sort()
    .map((name) => join(directory, name));
}

/** Deletes the segments whose last line was written before `cutoff` (ms); returns how many. */
export async function deleteSegmentsOlderThan(directory: string, cutoff: number): Promise<number> {
  let deleted = 0;
  for (const path of await listSegments(directory)) {
    try {
      if ((await stat(path)).mtimeMs < cutoff) {
        await unlink(path);
        deleted++;
      }
    } catch (error) {
      // Another process of the service pruned it first.
      if (!isMissing(error)) {
        throw error;
      }
    }
  }
  return deleted;
}

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
