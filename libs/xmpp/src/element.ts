import { escapeAttr, escapeText } from './xml-escape';

/** A child of an {@link Element}: a nested element or a run of character data. */
export type Node = Element | string;

// Marks where an element's end tag goes in the serialisation work stack.
class EndTag {
  constructor(readonly tag: string) {}
}

/** An XML element with plain-string attributes; namespace declarations are ordinary attributes. */
export class Element {
  constructor(
    public name: string,
    public attrs: Record<string, string> = {},
    public children: Node[] = [],
  ) {}

  /** The element's own `xmlns` attribute, if any. */
  get xmlns(): string | undefined {
    return this.attrs.xmlns;
  }

  /**
   * The first child element called `name`; with `xmlns`, only one in that namespace (a child
   * without an `xmlns` attribute is taken to be in this element's namespace).
   */
  getChild(name: string, xmlns?: string): Element | undefined {
    for (const child of this.children) {
      if (typeof child !== 'string' && this.matches(child, name, xmlns)) {
        return child;
      }
    }
    return undefined;
  }

  /** Every child element called `name` (and in namespace `xmlns`, when given). */
  getChildren(name: string, xmlns?: string): Element[] {
    const found: Element[] = [];
    for (const child of this.children) {
      if (typeof child !== 'string' && this.matches(child, name, xmlns)) {
        found.push(child);
      }
    }
    return found;
  }

  /** Every child element, text left out. */
  getChildElements(): Element[] {
    const found: Element[] = [];
    for (const child of this.children) {
      if (typeof child !== 'string') {
        found.push(child);
      }
    }
    return found;
  }

  /** The text of the first matching child element, or undefined when there is none. */
  getChildText(name: string, xmlns?: string): string | undefined {
    return this.getChild(name, xmlns)?.text();
  }

  /** The direct character data of this element, concatenated. */
  text(): string {
    let out = '';
    for (const child of this.children) {
      if (typeof child === 'string') {
        out += child;
      }
    }
    return out;
  }

  /** Appends children and returns this element, for chaining. */
  append(...children: Node[]): this {
    for (const child of children) {
      this.children.push(child);
    }
    return this;
  }

  /** A deep copy: no element or attribute object is shared with the original. */
  clone(): Element {
    const copy = new Element(this.name, { ...this.attrs });
    // An explicit stack rather than recursion: trees may be as deep as the parser allows.
    const work: [Element, Element][] = [[this, copy]];
    for (let item = work.pop(); item !== undefined; item = work.pop()) {
      const [source, target] = item;
      for (const child of source.children) {
        if (typeof child === 'string') {
          target.children.push(child);
        } else {
          const childCopy = new Element(child.name, { ...child.attrs });
          target.children.push(childCopy);
          work.push([child, childCopy]);
        }
      }
    }
    return copy;
  }

  /** Serialises the element; attribute values are single-quoted, childless elements self-close. */
  toString(): string {
    const out: string[] = [];
    // Iterative for the same reason as clone(); items are popped, so children go in reversed.
    const work: (Node | EndTag)[] = [this];
    for (let item = work.pop(); item !== undefined; item = work.pop()) {
      if (typeof item === 'string') {
        out.push(escapeText(item));
      } else if (item instanceof EndTag) {
        out.push(item.tag);
      } else {
        out.push(openTag(item));
        const { children } = item;
        if (children.length === 0) {
          out.push('/>');
        } else {
          out.push('>');
          work.push(new EndTag(`</${item.name}>`));
          for (let i = children.length - 1; i >= 0; i--) {
            work.push(children[i]);
          }
        }
      }
    }
    return out.join('');
  }

  private matches(child: Element, name: string, xmlns: string | undefined): boolean {
    if (child.name !== name) {
      return false;
    }
    return xmlns === undefined || (child.attrs.xmlns ?? this.attrs.xmlns) === xmlns;
  }
}

function openTag(element: Element): string {
  let tag = '<' + element.name;
  const { attrs } = element;
  for (const key in attrs) {
    tag += ' ' + key + "='" + escapeAttr(attrs[key]) + "'";
  }
  return tag;
}

/** A child argument to {@link xml}: falsy values are skipped, arrays are spliced in. */
export type XmlChild = Node | Node[] | undefined | null | false;

/**
 * Builds an element: attributes whose value is undefined are left out, array children are
 * flattened one level, and falsy children (including empty strings) are dropped.
 */
export function xml(
  name: string,
  attrs?: Record<string, string | undefined> | null,
  ...children: XmlChild[]
): Element {
  const element = new Element(name);
  if (attrs) {
    for (const key in attrs) {
      const value = attrs[key];
      if (value !== undefined) {
        element.attrs[key] = value;
      }
    }
  }
  for (const child of children) {
    if (Array.isArray(child)) {
      for (const nested of child) {
        if (nested) {
          element.children.push(nested);
        }
      }
    } else if (child) {
      element.children.push(child);
    }
  }
  return element;
}
