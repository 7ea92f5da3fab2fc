import type { WebSocket } from 'ws';
import { NS_FRAMING, parseFrame, StreamError, type XmlLimits } from '@sotto/xmpp';
import type { RateLimiter } from './rate-limiter';
import { WEBSOCKET_CLOSE_FRAME, websocketOpenFrame } from './stream-header';
import type { TransportEvents, XmppTransport } from './xmpp-transport';

/** RFC 7395: every WebSocket message is one complete element; `<open/>`/`<close/>` frame the stream. */
export class WebSocketTransport implements XmppTransport {
  readonly kind = 'websocket';
  readonly canStartTls = false;
  private events?: TransportEvents;
  private opened = false;
  private closing = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: XmlLimits,
    private readonly rateLimiter: RateLimiter,
    readonly secure: boolean,
  ) {}

  attach(events: TransportEvents): void {
    this.events = events;
    this.socket.on('message', (data: Buffer, isBinary: boolean) => this.read(data, isBinary));
    this.socket.once('close', () => {
      this.closing = true;
      events.onDisconnect();
    });
    // Protocol errors (bad frames, oversized messages) make ws close the socket; 'close' follows.
    this.socket.on('error', () => undefined);
  }

  private read(data: Buffer, isBinary: boolean): void {
    if (this.closing) {
      return;
    }
    const pauseMs = this.rateLimiter.consume(data.length);
    if (pauseMs > 0) {
      this.socket.pause();
      setTimeout(() => this.socket.resume(), pauseMs).unref();
    }
    if (isBinary) {
      // RFC 7395 §3.2: XMPP travels in text frames only.
      this.events?.onError(new StreamError('unsupported-encoding', 'binary frames are not XMPP'));
      return;
    }
    let element;
    try {
      element = parseFrame(data, this.limits);
    } catch (error) {
      if (error instanceof StreamError) {
        this.events?.onError(error);
        return;
      }
      throw error;
    }
    if (element.xmlns === NS_FRAMING && element.name === 'open') {
      this.events?.onStreamOpen(element.attrs);
    } else if (element.xmlns === NS_FRAMING && element.name === 'close') {
      this.events?.onStreamClose();
    } else {
      this.events?.onElement(element);
    }
  }

  openStream(attrs: Record<string, string>): void {
    this.opened = true;
    this.send(websocketOpenFrame(attrs));
  }

  send(data: string): void {
    if (!this.closing && this.socket.readyState === this.socket.OPEN) {
      this.socket.send(data);
    }
  }

  close(error?: StreamError): void {
    if (this.closing) {
      return;
    }
    if (error) {
      if (!this.opened) {
        this.openStream({ version: '1.0' });
      }
      this.send(error.toElement().toString());
    }
    this.send(WEBSOCKET_CLOSE_FRAME);
    this.closing = true;
    this.socket.close(1000);
    // A peer that never completes the closing handshake must not hold the socket.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  startTls(): Promise<void> {
    return Promise.reject(new Error('STARTTLS is not defined for WebSocket'));
  }

  restartStream(): void {
    // The client sends a new <open/> (RFC 7395 §3.5); nothing to reset: each frame parses alone.
  }
}
