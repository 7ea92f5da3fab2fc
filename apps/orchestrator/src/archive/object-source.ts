import type { Readable } from 'node:stream';

/** Where the archive builder reads collected rows: the NATS object store, or a fake in tests. */
export interface ObjectSource {
  /** The object's bytes as a stream; throws when it does not exist. */
  open(name: string): Promise<Readable>;
  delete(name: string): Promise<void>;
}
