import type { Element } from './element';
import { parseFrame } from './frame-parser';

// What was stored passed the size limit of its day; these only bound the parser.
const STORED_LIMITS = { maxStanzaBytes: 16_777_216, maxDepth: 256 };

/**
 * A copy of `element` that serialises as a document of its own: its namespace stated, and the
 * `xmlns:prefix` declarations it relies on copied from its ancestors (the parser keeps a
 * declaration on the element that declared it, which may be the IQ).
 */
export function standalone(element: Element, namespace: string, ancestors: Element[]): Element {
  const copy = element.clone();
  copy.attrs.xmlns = namespace;
  // Nearest ancestor first, so an inner declaration wins over an outer one of the same prefix.
  for (const ancestor of ancestors) {
    for (const [name, value] of Object.entries(ancestor.attrs)) {
      if (name.startsWith('xmlns:') && !(name in copy.attrs)) {
        copy.attrs[name] = value;
      }
    }
  }
  return copy;
}

/** Parses what `standalone(...).toString()` stored. */
export function parseStored(xml: string): Element {
  return parseFrame(xml, STORED_LIMITS);
}
