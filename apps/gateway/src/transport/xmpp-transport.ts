import type { Element, StreamError } from '@sotto/xmpp';

/** What a transport reports to the connection that reads from it. */
export interface TransportEvents {
  onStreamOpen(attrs: Record<string, string>): void;
  onElement(element: Element): void;
  onStreamClose(): void;
  onError(error: StreamError): void;
  /** The socket is gone, whatever the reason. Called exactly once. */
  onDisconnect(): void;
}

/**
 * One client connection, RFC 6120 TCP or RFC 7395 WebSocket, behind one interface so that the
 * C2S state machine does not know which framing it speaks.
 */
export interface XmppTransport {
  readonly kind: 'tcp' | 'websocket';
  /** Confidentiality is in place (TLS on TCP, or a TLS proxy in front of the WebSocket). */
  readonly secure: boolean;
  /** STARTTLS is possible on this transport and not done yet. */
  readonly canStartTls: boolean;
  attach(events: TransportEvents): void;
  /** The answer to the client's stream header (`<stream:stream>` or `<open/>`). */
  openStream(attrs: Record<string, string>): void;
  /** Writes a serialised top-level element. */
  send(data: string): void;
  /** Sends the stream error (if any), closes the stream and the socket. */
  close(error?: StreamError): void;
  /** After STARTTLS `<proceed/>`: upgrade the socket and expect a new stream. */
  startTls(): Promise<void>;
  /** After SASL success: expect a new stream header from the client. */
  restartStream(): void;
  /** TLS exporter material (RFC 9266) for channel binding; undefined when not on TLS. */
  channelBinding?(): Buffer | undefined;
}
