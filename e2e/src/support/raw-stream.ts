import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';

/** A bare byte-level XMPP peer, for input no real client would send. */
export interface RawStream {
  send(data: string | Buffer): void;
  /** Resolves with everything received once `pattern` matches it. */
  until(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the server has closed the connection. */
  closed(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

function collector(
  onData: (listener: (text: string) => void) => void,
  onClose: (listener: () => void) => void,
) {
  let received = '';
  let isClosed = false;
  const listeners = new Set<() => void>();
  onData((text) => {
    received += text;
    listeners.forEach((listener) => listener());
  });
  onClose(() => {
    isClosed = true;
    listeners.forEach((listener) => listener());
  });
  const wait = (done: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (done()) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(
          new Error(`${what} not seen within ${timeoutMs} ms; got: ${received.slice(0, 500)}`),
        );
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    until: async (pattern: RegExp, timeoutMs = 5000) => {
      await wait(() => pattern.test(received), timeoutMs, String(pattern));
      return received;
    },
    closed: (timeoutMs = 5000) => wait(() => isClosed, timeoutMs, 'close'),
  };
}

export async function rawTcp(port: number): Promise<RawStream> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const { until, closed } = collector(
    (listener) => socket.on('data', (chunk: Buffer) => listener(chunk.toString('utf8'))),
    (listener) => socket.once('close', listener),
  );
  return {
    send: (data) => {
      if (!socket.destroyed) {
        socket.write(data);
      }
    },
    until,
    closed,
    destroy: () => socket.destroy(),
  };
}

export async function rawWebSocket(
  url: string,
): Promise<RawStream & { closeCode(): Promise<number> }> {
  const socket = new WebSocket(url, 'xmpp');
  socket.on('error', () => undefined);
  const code = new Promise<number>((resolve) => socket.once('close', (c: number) => resolve(c)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const { until, closed } = collector(
    (listener) => socket.on('message', (data: Buffer) => listener(data.toString('utf8'))),
    (listener) => socket.once('close', () => listener()),
  );
  return {
    send: (data) => {
      if (socket.readyState === WebSocket.OPEN) {
        // Always a text frame, even for raw bytes: that is how invalid UTF-8 reaches the server.
        socket.send(data, { binary: false });
      }
    },
    until,
    closed,
    destroy: () => socket.terminate(),
    closeCode: () => code,
  };
}

export const TCP_HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
export const WS_OPEN =
  "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";
