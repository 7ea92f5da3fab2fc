import type { Element } from './element';
import { StreamError } from './stream-error';
import { strictUtf8Decoder } from './utf8-decoder';
import type { XmlLimits } from './xml-limits';
import { XmlReader } from './xml-reader';

/**
 * Parses one RFC 7395 WebSocket frame: exactly one complete element (`<open/>`, `<close/>`, a
 * stanza or a nonza). Same restrictions, limits, error conditions and namespace normalisation
 * as {@link StreamParser}; the frame's byte length is checked against `maxStanzaBytes` first.
 * A root element with no namespace is taken as jabber:client.
 * @throws StreamError
 */
export function parseFrame(frame: Buffer | string, limits: XmlLimits): Element {
  const size = typeof frame === 'string' ? Buffer.byteLength(frame, 'utf8') : frame.length;
  if (size > limits.maxStanzaBytes) {
    throw new StreamError('policy-violation', 'stanza too large');
  }
  let text: string;
  if (typeof frame === 'string') {
    text = frame;
  } else {
    try {
      text = strictUtf8Decoder().decode(frame);
    } catch {
      throw new StreamError('unsupported-encoding');
    }
  }
  const reader = new XmlReader(limits, 'frame');
  let element: Element | undefined;
  for (const output of [...reader.write(text), ...reader.end()]) {
    if (output.kind === 'error') {
      throw output.error;
    }
    if (output.kind === 'element') {
      element = output.element;
    }
  }
  if (element === undefined) {
    throw new StreamError('not-well-formed', 'empty frame');
  }
  return element;
}
