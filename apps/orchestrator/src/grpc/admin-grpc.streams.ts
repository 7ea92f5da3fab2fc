import type { ServerWritableStream } from '@grpc/grpc-js';
import type { JobView } from '../admin/admin.service';
import { toJobMessage, type ArchiveChunkMessage, type JobMessage } from './admin-grpc.messages';

// Small messages travel better than one per file read: gRPC's default limit is 4 MiB.
const MAX_CHUNK_BYTES = 64 * 1024;

const CANCELLED = Symbol('cancelled');

/** Writes every state of the job until the source ends (after a terminal status) or the client leaves. */
export async function streamJobUpdates(
  updates: AsyncIterable<JobView>,
  call: ServerWritableStream<unknown, JobMessage>,
): Promise<void> {
  const iterator = updates[Symbol.asyncIterator]();
  const cancelled = new Promise<typeof CANCELLED>((resolve) => {
    call.once('cancelled', () => resolve(CANCELLED));
  });
  for (;;) {
    const pending = iterator.next();
    // A client that hangs up must not wait for the job's next change to be let go.
    const next = await Promise.race([pending, cancelled]);
    if (next === CANCELLED || call.cancelled) {
      // Nobody is listening any more: what the source still does or fails with has no audience,
      // but it must not become an unhandled rejection.
      pending.catch(() => undefined);
      void iterator.return?.().catch(() => undefined);
      return;
    }
    if (next.done === true) {
      return;
    }
    await send(call, toJobMessage(next.value));
  }
}

/** Copies the archive into the call in bounded chunks, waiting when the client reads slowly. */
export async function streamArchive(
  archive: NodeJS.ReadableStream,
  call: ServerWritableStream<unknown, ArchiveChunkMessage>,
): Promise<void> {
  for await (const chunk of archive) {
    if (call.cancelled) {
      // Leaving the loop closes the archive stream.
      return;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
      await send(call, { data: bytes.subarray(offset, offset + MAX_CHUNK_BYTES) });
    }
  }
}

function send<T>(call: ServerWritableStream<unknown, T>, message: T): Promise<void> {
  if (call.cancelled || call.write(message)) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const events = ['drain', 'cancelled', 'close', 'error'] as const;
    const done = (): void => {
      events.forEach((event) => call.off(event, done));
      resolve();
    };
    events.forEach((event) => call.on(event, done));
  });
}
