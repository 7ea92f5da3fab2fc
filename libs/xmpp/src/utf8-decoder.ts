import { TextDecoder } from 'node:util';

/**
 * A strict UTF-8 decoder: invalid byte sequences throw instead of becoming U+FFFD, so they can
 * be reported as `unsupported-encoding`. With `{ stream: true }` a character split across
 * chunks is held until its last byte arrives.
 */
export function strictUtf8Decoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true });
}
