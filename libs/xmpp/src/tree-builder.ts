import type { SaxesAttributeNS, SaxesTagNS } from 'saxes';
import { Element } from './element';

interface Frame {
  element: Element;
  uri: string;
  // Prefixes this element declares with xmlns:p, and those a prefixed attribute relies on.
  declared: string[] | undefined;
  used: Set<string> | undefined;
}

/**
 * Builds one top-level element from saxes events, normalising namespaces so that the result
 * serialises to a standalone, namespace-correct document whatever the prefixes and stream
 * context were: element names lose their prefix, the top element states its namespace in
 * `xmlns` and descendants do only where theirs differs from their parent's, and `xmlns:p`
 * declarations survive only where a prefixed attribute needs them.
 */
export class TreeBuilder {
  private readonly frames: Frame[] = [];

  /** True while an element is open. */
  get active(): boolean {
    return this.frames.length > 0;
  }

  open(tag: SaxesTagNS): void {
    const parent = this.frames[this.frames.length - 1];
    const attrs: Record<string, string> = {};
    if (parent === undefined || parent.uri !== tag.uri) {
      attrs.xmlns = tag.uri;
    }
    let declared: string[] | undefined;
    let prefixed: SaxesAttributeNS[] | undefined;
    const { attributes } = tag;
    for (const name of Object.keys(attributes)) {
      if (name === 'xmlns') {
        continue;
      }
      const attr = attributes[name];
      attrs[name] = attr.value;
      const { prefix } = attr;
      if (prefix === 'xmlns') {
        (declared ??= []).push(attr.local);
      }
      // xml: is bound by definition and needs no declaration.
      else if (prefix !== '' && prefix !== 'xml') {
        (prefixed ??= []).push(attr);
      }
    }
    const element = new Element(tag.local, attrs);
    parent?.element.children.push(element);
    this.frames.push({ element, uri: tag.uri, declared, used: undefined });
    if (prefixed !== undefined) {
      for (const { prefix, uri } of prefixed) {
        this.needDeclaration(prefix, uri);
      }
    }
  }

  text(text: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      return;
    }
    const { children } = frame.element;
    const last = children.length - 1;
    const previous = children[last];
    // saxes splits character data at CDATA boundaries; keep one string per run of text.
    if (typeof previous === 'string') {
      children[last] = previous + text;
    } else {
      children.push(text);
    }
  }

  /** Closes the innermost element; returns the top-level element once it is complete. */
  close(): Element | undefined {
    const frame = this.frames.pop();
    if (frame === undefined) {
      return undefined;
    }
    if (frame.declared !== undefined) {
      for (const prefix of frame.declared) {
        if (frame.used?.has(prefix) !== true) {
          delete frame.element.attrs[`xmlns:${prefix}`];
        }
      }
    }
    return this.frames.length === 0 ? frame.element : undefined;
  }

  private needDeclaration(prefix: string, uri: string): void {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i];
      if (frame.declared?.includes(prefix) === true) {
        (frame.used ??= new Set()).add(prefix);
        return;
      }
    }
    // Declared outside this element (on the stream root): copy the declaration onto the
    // top-level element so the element stands alone.
    this.frames[0].element.attrs[`xmlns:${prefix}`] = uri;
  }
}
