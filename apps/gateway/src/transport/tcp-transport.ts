import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { StreamParser, type StreamError, type XmlLimits } from '@sotto/xmpp';
import type { RateLimiter } from './rate-limiter';
import { TCP_STREAM_CLOSE, tcpStreamHeader } from './stream-header';
import type { TransportEvents, XmppTransport } from './xmpp-transport';

/** RFC 6120 c2s over TCP: one long-lived XML document per stream, STARTTLS upgrade in place. */
export class TcpTransport implements XmppTransport {
  readonly kind = 'tcp';
  secure = false;
  private socket: Socket;
  private events?: TransportEvents;
  private readonly parser: StreamParser;
  private headerSent = false;
  private closing = false;
  private disconnected = false;
  private readonly onData = (chunk: Buffer) => this.read(chunk);

  constructor(
    socket: Socket,
    limits: XmlLimits,
    private readonly rateLimiter: RateLimiter,
    private readonly secureContext: SecureContext,
  ) {
    this.socket = socket;
    this.parser = new StreamParser(limits, {
      onStreamOpen: (attrs) => this.events?.onStreamOpen(attrs),
      onElement: (element) => this.events?.onElement(element),
      onStreamClose: () => this.events?.onStreamClose(),
      onError: (error) => this.events?.onError(error),
    });
  }

  get canStartTls(): boolean {
    return !this.secure;
  }

  attach(events: TransportEvents): void {
    this.events = events;
    this.listen(this.socket);
  }

  private listen(socket: Socket): void {
    socket.on('data', this.onData);
    socket.once('close', () => this.disconnect(socket));
    // Socket errors (resets, TLS alerts) end the connection; 'close' follows and cleans up.
    socket.on('error', () => socket.destroy());
  }

  private read(chunk: Buffer): void {
    if (this.closing) {
      return;
    }
    const pauseMs = this.rateLimiter.consume(chunk.length);
    this.parser.write(chunk);
    if (pauseMs > 0 && !this.closing) {
      const socket = this.socket;
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs).unref();
    }
  }

  private disconnect(socket: Socket): void {
    // The plain socket closes under a TLS socket too; only the current one counts.
    if (socket !== this.socket || this.disconnected) {
      return;
    }
    this.disconnected = true;
    this.closing = true;
    this.events?.onDisconnect();
  }

  openStream(attrs: Record<string, string>): void {
    this.headerSent = true;
    this.write(tcpStreamHeader(attrs));
  }

  send(data: string): void {
    if (!this.closing) {
      this.write(data);
    }
  }

  private write(data: string): void {
    if (!this.socket.destroyed && this.socket.writable) {
      this.socket.write(data);
    }
  }

  close(error?: StreamError): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    if (error) {
      // RFC 6120 §4.9.1.2: a stream error needs a stream header first.
      if (!this.headerSent) {
        this.openStream({ version: '1.0' });
      }
      this.write(error.toElement().toString());
    }
    if (this.headerSent) {
      this.write(TCP_STREAM_CLOSE);
    }
    const socket = this.socket;
    socket.end();
    // A client that never answers our close must not hold the socket forever.
    setTimeout(() => socket.destroy(), 2000).unref();
  }

  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeListener('data', this.onData);
    const secured = new TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.socket = secured;
    this.parser.reset();
    this.headerSent = false;
    // Listen at once: a failed handshake closes the TLS socket, and that must end the connection.
    this.listen(secured);
    await new Promise<void>((resolve, reject) => {
      secured.once('secure', resolve);
      secured.once('error', reject);
    });
    this.secure = true;
  }

  restartStream(): void {
    this.parser.reset();
    this.headerSent = false;
  }

  channelBinding(): Buffer | undefined {
    return this.socket instanceof TLSSocket
      ? this.socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0))
      : undefined;
  }
}
