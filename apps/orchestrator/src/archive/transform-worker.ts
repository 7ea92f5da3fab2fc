import { parentPort } from 'node:worker_threads';
import { LineTransform, type DatasetPiece } from './dataset-transform';
import type { TransformReply, TransformRequest } from './worker-transforms';

/**
 * The thread that turns datasets' NDJSON into JSON and CSV pieces (`WorkerTransforms`), so that
 * parsing and formatting the rows use the second core while the main thread reads the object
 * store and feeds zlib.
 */
const port = parentPort;
if (port === null) {
  throw new Error('transform-worker runs as a worker thread');
}
const sessions = new Map<number, LineTransform>();

port.on('message', (request: TransformRequest) => {
  if (request.kind === 'open') {
    sessions.set(request.session, new LineTransform(request.source, request.columns));
    return;
  }
  if (request.kind === 'close') {
    sessions.delete(request.session);
    return;
  }
  try {
    const transform = sessions.get(request.session);
    if (transform === undefined) {
      throw new Error(`no open dataset transform ${request.session}`);
    }
    let piece: DatasetPiece;
    if (request.kind === 'push') {
      piece = transform.push(request.chunk);
    } else {
      piece = transform.end();
      sessions.delete(request.session);
    }
    const reply: TransformReply = {
      id: request.id,
      json: piece.json,
      csv: piece.csv,
      rows: piece.rows,
    };
    port.postMessage(
      reply,
      [piece.json, piece.csv].filter(ownsBuffer).map((bytes) => bytes.buffer as ArrayBuffer),
    );
  } catch (error) {
    sessions.delete(request.session);
    const reply: TransformReply = {
      id: request.id,
      error: error instanceof Error ? error.message : String(error),
    };
    port.postMessage(reply);
  }
});

// A buffer that is a slice of node's shared pool must be copied, not moved: moving it would
// take the pool away from the rest of the thread.
function ownsBuffer(bytes: Buffer): boolean {
  return (
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteLength > 0 &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength
  );
}
