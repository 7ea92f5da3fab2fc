import { Element, xml } from './element';
import { NS_STREAM_ERRORS, NS_STREAMS } from './namespaces';

/** The stream error conditions of RFC 6120 §4.9.3. */
export type StreamErrorCondition =
  | 'bad-format'
  | 'bad-namespace-prefix'
  | 'conflict'
  | 'connection-timeout'
  | 'host-gone'
  | 'host-unknown'
  | 'improper-addressing'
  | 'internal-server-error'
  | 'invalid-from'
  | 'invalid-namespace'
  | 'invalid-xml'
  | 'not-authorized'
  | 'not-well-formed'
  | 'policy-violation'
  | 'remote-connection-failed'
  | 'reset'
  | 'resource-constraint'
  | 'restricted-xml'
  | 'see-other-host'
  | 'system-shutdown'
  | 'undefined-condition'
  | 'unsupported-encoding'
  | 'unsupported-feature'
  | 'unsupported-stanza-type'
  | 'unsupported-version';

/** A stream-level error: the stream is closed after sending {@link StreamError.toElement}. */
export class StreamError extends Error {
  /** Human-readable detail, sent in the `<text/>` child. */
  readonly text?: string;

  constructor(
    public readonly condition: StreamErrorCondition,
    text?: string,
  ) {
    super(text === undefined ? condition : `${condition}: ${text}`);
    this.name = 'StreamError';
    this.text = text;
  }

  /**
   * The `<stream:error/>` element. It declares the `stream` prefix itself, so the same bytes
   * are valid inside a TCP stream and as a standalone RFC 7395 WebSocket frame.
   */
  toElement(): Element {
    return xml(
      'stream:error',
      { 'xmlns:stream': NS_STREAMS },
      xml(this.condition, { xmlns: NS_STREAM_ERRORS }),
      this.text !== undefined && xml('text', { xmlns: NS_STREAM_ERRORS }, this.text),
    );
  }
}
