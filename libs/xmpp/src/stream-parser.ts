import type { Element } from './element';
import { StreamError } from './stream-error';
import { strictUtf8Decoder } from './utf8-decoder';
import type { XmlLimits } from './xml-limits';
import { XmlReader, type ReaderOutput } from './xml-reader';

/** Callbacks of a {@link StreamParser}. */
export interface StreamParserHandlers {
  /** The `<stream:stream>` start tag: its attributes by written name ('to', 'version', 'xml:lang', 'xmlns'...). */
  onStreamOpen(attrs: Record<string, string>): void;
  /** Each complete top-level child of the stream, namespace-normalised (see {@link StreamParser}). */
  onElement(element: Element): void;
  /** `</stream:stream>`; nothing more is reported until {@link StreamParser.reset}. */
  onStreamClose(): void;
  /** The stream is broken; nothing more is reported, ever. */
  onError(error: StreamError): void;
}

/**
 * Parser for an RFC 6120 TCP stream (one long-lived document).
 *
 * Emitted elements are namespace-normalised so that `toString()` gives a standalone document,
 * the same one a WebSocket client would send as a frame: the element carries `xmlns` with its
 * resolved namespace (`jabber:client` for stanzas), names lose their prefixes, descendants
 * carry `xmlns` only where their namespace changes, and `xmlns:p` declarations are kept only
 * where prefixed attributes need them (copied from the stream root when declared there).
 * Attributes of the stream root, such as `xml:lang`, are not copied onto stanzas.
 */
export class StreamParser {
  private reader: XmlReader;
  private decoder = strictUtf8Decoder();
  private failed = false;
  // Bumped by reset(), so outputs of the previous document are not delivered after it.
  private generation = 0;

  constructor(
    private readonly limits: XmlLimits,
    private readonly handlers: StreamParserHandlers,
  ) {
    this.reader = new XmlReader(limits, 'stream');
  }

  /**
   * Feeds raw bytes (or already decoded text). Never throws for bad input: problems go to
   * `onError`. Handlers run synchronously, before write returns; an exception thrown by a
   * handler propagates to the caller and drops the rest of this chunk's events.
   */
  write(chunk: Buffer | string): void {
    if (this.failed) {
      return;
    }
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      try {
        text = this.decoder.decode(chunk, { stream: true });
      } catch {
        this.deliver([{ kind: 'error', error: new StreamError('unsupported-encoding') }]);
        return;
      }
    }
    if (text.length > 0) {
      this.deliver(this.reader.write(text));
    }
  }

  /**
   * Restarts the stream after STARTTLS or SASL success: the next bytes written begin a new
   * document. Input already written but not yet delivered (anything after the element being
   * handled, when called from a handler) is discarded, so plaintext pipelined after
   * `<starttls/>` can never be read as part of the protected stream.
   * A parser that reported an error stays failed.
   */
  reset(): void {
    if (this.failed) {
      return;
    }
    this.generation++;
    this.decoder = strictUtf8Decoder();
    this.reader = new XmlReader(this.limits, 'stream');
  }

  private deliver(outputs: ReaderOutput[]): void {
    const generation = this.generation;
    for (const output of outputs) {
      if (this.failed || generation !== this.generation) {
        return;
      }
      switch (output.kind) {
        case 'open':
          this.handlers.onStreamOpen(output.attrs);
          break;
        case 'element':
          this.handlers.onElement(output.element);
          break;
        case 'close':
          this.handlers.onStreamClose();
          break;
        case 'error':
          this.failed = true;
          this.handlers.onError(output.error);
          break;
      }
    }
  }
}
