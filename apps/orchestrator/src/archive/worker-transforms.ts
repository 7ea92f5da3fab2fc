import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatasetPiece, DatasetTransform, DatasetTransforms } from './dataset-transform';

export type TransformRequest =
  | { kind: 'open'; session: number; source: string; columns: readonly string[] }
  | { kind: 'push'; id: number; session: number; chunk: Uint8Array }
  | { kind: 'end'; id: number; session: number }
  | { kind: 'close'; session: number };

export type TransformReply =
  { id: number; json: Uint8Array; csv: Uint8Array; rows: number } | { id: number; error: string };

interface Waiting {
  resolve: (piece: DatasetPiece) => void;
  reject: (error: Error) => void;
}

/**
 * Dataset transforms on a worker thread of their own (`transform-worker.ts`): in an export of a
 * heavy user, parsing the rows and formatting the CSV is most of the orchestrator's work, and
 * the main thread has the object store and zlib to keep busy. One thread serves every export;
 * it is started on first use and again after it died, which fails only the exports under way.
 */
export class WorkerTransforms implements DatasetTransforms {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private nextSession = 0;

  constructor(private readonly script = join(__dirname, 'transform-worker.js')) {}

  open(source: string, columns: readonly string[]): DatasetTransform {
    const worker = this.running();
    const session = ++this.nextSession;
    this.post(worker, { kind: 'open', session, source, columns });
    return {
      push: (chunk) => {
        // Copied into a buffer of its own, then moved: a chunk may be a view on a larger buffer,
        // which the thread would otherwise receive whole.
        const copy = new Uint8Array(chunk);
        return this.request(worker, { kind: 'push', id: ++this.nextId, session, chunk: copy }, [
          copy.buffer,
        ]);
      },
      end: () => this.request(worker, { kind: 'end', id: ++this.nextId, session }),
      close: () => {
        if (worker === this.worker) {
          this.post(worker, { kind: 'close', session });
        }
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker !== undefined) {
      this.fail(worker, new Error('the dataset transform thread was stopped'));
      await worker.terminate();
    }
  }

  private running(): Worker {
    if (this.worker !== undefined) {
      return this.worker;
    }
    const worker = new Worker(this.script);
    // Idle, the thread does not keep the process alive; `request` holds it while a reply is due.
    worker.unref();
    worker.on('message', (reply: TransformReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) =>
      this.fail(worker, new Error(`the dataset transform thread ended with exit code ${code}`)),
    );
    this.worker = worker;
    return worker;
  }

  private request(
    worker: Worker,
    request: TransformRequest & { id: number },
    transfer: ArrayBuffer[] = [],
  ): Promise<DatasetPiece> {
    if (worker !== this.worker) {
      return Promise.reject(new Error('the dataset transform thread ended during the export'));
    }
    return new Promise<DatasetPiece>((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      worker.ref();
      this.post(worker, request, transfer);
    });
  }

  private post(worker: Worker, request: TransformRequest, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(request, transfer);
  }

  private settle(reply: TransformReply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) {
      this.worker?.unref();
    }
    if (waiting === undefined) {
      return;
    }
    if ('error' in reply) {
      waiting.reject(new Error(reply.error));
      return;
    }
    waiting.resolve({ json: asBuffer(reply.json), csv: asBuffer(reply.csv), rows: reply.rows });
  }

  private fail(worker: Worker, error: Error): void {
    if (worker !== this.worker) {
      return;
    }
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { reject } of waiting) {
      reject(error);
    }
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
