import { collectedLogObjectName, type CollectedLogs } from '@sotto/contracts';
import type { LogStore } from '@sotto/logging';
import type { ObjectWriter } from './collect-datasets';

export type LogLines = Pick<LogStore, 'linesContaining'>;

// Lines are sent to the store in chunks of about this size, not one message per line.
const CHUNK_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/**
 * Streams the service's log lines that carry the subject's pseudonym into
 * `collectedLogObjectName(jobId, service)`, as plain text, one line per line. No object is made
 * when there is no such line.
 */
export async function collectLogLines(
  store: ObjectWriter,
  logs: LogLines,
  target: { jobId: string; service: string },
  pseudonym: string,
): Promise<CollectedLogs> {
  const lines = logs.linesContaining(pseudonym)[Symbol.asyncIterator]();
  let next = await lines.next();
  if (next.done) {
    return { lines: 0 };
  }
  let count = 0;
  const object = collectedLogObjectName(target.jobId, target.service);
  // A high-water mark of 0: the files are read only as fast as the store takes the lines.
  const stream = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        let chunk = '';
        while (!next.done && chunk.length < CHUNK_BYTES) {
          chunk += `${next.value}\n`;
          count++;
          next = await lines.next();
        }
        if (chunk) {
          controller.enqueue(encoder.encode(chunk));
        }
        if (next.done) {
          controller.close();
        }
      },
      cancel: async () => {
        await lines.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  try {
    await store.put({ name: object }, stream);
  } finally {
    // Closes the file being read when the store failed half-way.
    await lines.return(undefined);
  }
  return { lines: count, object };
}
