import { SaxesParser, type SaxesStartTagNS, type SaxesTagNS } from 'saxes';
import type { Element } from './element';
import { NS_CLIENT, NS_STREAMS } from './namespaces';
import { RestrictedMarkupScanner } from './restricted-markup';
import { StreamError, type StreamErrorCondition } from './stream-error';
import { TreeBuilder } from './tree-builder';
import type { XmlLimits } from './xml-limits';

/** What a reader produced, in document order; nothing follows an 'error' or a 'close'. */
export type ReaderOutput =
  | { kind: 'open'; attrs: Record<string, string> }
  | { kind: 'element'; element: Element }
  | { kind: 'close' }
  | { kind: 'error'; error: StreamError };

/** 'stream': a `<stream:stream>` root whose children are the stanzas. 'frame': one element. */
export type ReaderMode = 'stream' | 'frame';

interface SaxOptions {
  xmlns: true;
  forceXMLVersion: true;
  defaultXMLVersion: '1.0';
  additionalNamespaces?: Record<string, string>;
}

// Input goes to saxes in slices this long (UTF-16 code units), so limits are checked at least
// this often however large the chunks the caller writes.
const SLICE = 16 * 1024;
const NOT_SPACE = /[^\x20\x09\x0A\x0D]/g;

// Thrown from saxes event handlers to stop it mid-chunk; the parser is never used again after.
class Abort extends Error {}
const ABORT = new Abort('xml reader aborted');

function isHeldBack(code: number): boolean {
  return code === 0x0d || (code >= 0xd800 && code <= 0xdbff);
}

/**
 * Drives saxes over one XML document and applies XMPP's restrictions and limits. Positions are
 * UTF-16 offsets from the start of the document (as saxes counts them); byte offsets are
 * derived from them with a cursor that only moves forward, so each character is measured once.
 */
export class XmlReader {
  private readonly sax: SaxesParser<SaxOptions>;
  private readonly scanner = new RestrictedMarkupScanner();
  private readonly builder = new TreeBuilder();
  // Depth of the stanzas: 1 under a stream root, 0 for a frame.
  private readonly stanzaLevel: number;
  private outputs: ReaderOutput[] = [];
  private done = false;
  private level = 0;
  private carry = '';
  private fed = 0;
  private slice = '';
  private sliceStart = 0;
  private cursorPos = 0;
  private cursorBytes = 0;
  // Byte offset of the open stanza's '<', or -1 between stanzas.
  private stanzaStart = -1;
  // Position just after the latest saxes event, and (outside stanzas) the byte offset of the
  // first non-space input after it: saxes may be buffering everything from there on.
  private lastEvent = 0;
  private pendingStart = -1;
  private readonly onText = (text: string): void => this.builder.text(text);

  constructor(
    private readonly limits: XmlLimits,
    mode: ReaderMode,
  ) {
    this.stanzaLevel = mode === 'stream' ? 1 : 0;
    this.sax = new SaxesParser<SaxOptions>({
      xmlns: true,
      forceXMLVersion: true,
      defaultXMLVersion: '1.0',
      // RFC 7395 frames must carry xmlns='jabber:client'; tolerate clients that leave it out.
      additionalNamespaces: mode === 'frame' ? { '': NS_CLIENT } : undefined,
    });
    this.listen();
  }

  /** Parses the next piece of the document and returns what it completed. */
  write(text: string): ReaderOutput[] {
    let input = this.carry + text;
    this.carry = '';
    // saxes holds back a trailing CR or high surrogate until it sees the next character; doing
    // that here instead keeps every position saxes reports inside the slice it is parsing.
    if (isHeldBack(input.charCodeAt(input.length - 1))) {
      this.carry = input.slice(-1);
      input = input.slice(0, -1);
    }
    let start = 0;
    while (start < input.length && !this.done) {
      let end = Math.min(start + SLICE, input.length);
      while (end < input.length && isHeldBack(input.charCodeAt(end - 1))) {
        end++;
      }
      this.feed(input.slice(start, end));
      start = end;
    }
    return this.take();
  }

  /** Ends the document, reporting anything left unclosed or missing. */
  end(): ReaderOutput[] {
    if (!this.done && this.carry !== '') {
      this.feed(this.carry);
    }
    if (!this.done) {
      this.guard(() => this.sax.close());
    }
    return this.take();
  }

  private take(): ReaderOutput[] {
    const outputs = this.outputs;
    this.outputs = [];
    return outputs;
  }

  private feed(slice: string): void {
    const forbidden = this.scanner.scan(slice);
    const part = forbidden === undefined ? slice : slice.slice(0, Math.max(forbidden, 0));
    this.slice = part;
    this.sliceStart = this.fed;
    this.guard(() => this.sax.write(part));
    this.fed += part.length;
    if (this.done) {
      return;
    }
    this.checkBudget();
    if (forbidden !== undefined) {
      this.fail('restricted-xml');
    }
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      // Anything but our own abort is a bug; still keep the promise that writing never throws.
      if (error !== ABORT) {
        this.fail('internal-server-error');
      }
    }
  }

  // Runs after each slice: the open stanza, or whatever saxes may be buffering between
  // stanzas (a stream tag, an entity name, stray text), must stay within maxStanzaBytes.
  private checkBudget(): void {
    const bytes = this.bytesAt(this.fed);
    if (this.stanzaStart < 0 && this.pendingStart < 0) {
      // Leading whitespace is exempt: keepalives may arrive for hours between stanzas.
      NOT_SPACE.lastIndex = Math.max(this.lastEvent - this.sliceStart, 0);
      const found = NOT_SPACE.exec(this.slice);
      if (found === null) {
        return;
      }
      this.pendingStart = bytes - Buffer.byteLength(this.slice.slice(found.index), 'utf8');
    }
    const start = this.stanzaStart >= 0 ? this.stanzaStart : this.pendingStart;
    if (bytes - start > this.limits.maxStanzaBytes) {
      this.fail('policy-violation', 'stanza too large');
    }
  }

  // The byte offset of a position in the current slice, at or after the cursor.
  private bytesAt(position: number): number {
    if (position > this.cursorPos) {
      const from = this.cursorPos - this.sliceStart;
      const to = position - this.sliceStart;
      this.cursorBytes += Buffer.byteLength(this.slice.slice(from, to), 'utf8');
      this.cursorPos = position;
    }
    return this.cursorBytes;
  }

  // Only these few handlers, on purpose: saxes stores handlers under computed keys, and after
  // about six such additions V8 turns the parser object into a slow dictionary, which made
  // parsing four times slower. DOCTYPE, comments and PIs never reach saxes (the scanner stops
  // them), and the XML declaration is checked through sax.xmlDecl instead.
  private listen(): void {
    const { sax } = this;
    sax.on('opentagstart', (tag) => this.onOpenTagStart(tag));
    sax.on('opentag', (tag) => this.onOpenTag(tag));
    sax.on('closetag', () => this.onCloseTag());
    sax.on('cdata', (text) => {
      if (this.builder.active) {
        this.builder.text(text);
      }
      this.markEvent();
    });
    // saxes only knows the five predefined entities, so an undefined one (&lol9;) lands here.
    sax.on('error', () => this.abort('not-well-formed'));
  }

  private onOpenTagStart(tag: SaxesStartTagNS): void {
    if (this.level === 0) {
      this.checkEncoding();
    }
    if (this.level === this.stanzaLevel) {
      // saxes has just read the name and the character after it (CR LF counts as one).
      const position = this.sax.position;
      const at = position - this.sliceStart;
      const crlf = this.slice.charCodeAt(at - 1) === 0x0a && this.slice.charCodeAt(at - 2) === 0x0d;
      const tagBytes = 1 + Buffer.byteLength(tag.name, 'utf8') + (crlf ? 2 : 1);
      this.stanzaStart = this.bytesAt(position) - tagBytes;
      // Character data is only collected inside stanzas, so whitespace between them is never buffered.
      this.sax.on('text', this.onText);
    }
    this.level++;
    if (this.level - this.stanzaLevel > this.limits.maxDepth) {
      this.abort('policy-violation', 'nesting too deep');
    }
    this.markEvent();
  }

  private onOpenTag(tag: SaxesTagNS): void {
    if (this.level === this.stanzaLevel) {
      this.openStream(tag);
    } else {
      this.builder.open(tag);
    }
    this.markEvent();
  }

  private openStream(tag: SaxesTagNS): void {
    if (tag.local !== 'stream' || tag.uri !== NS_STREAMS || tag.ns[''] !== NS_CLIENT) {
      this.abort('invalid-namespace');
    }
    const attrs: Record<string, string> = {};
    for (const name in tag.attributes) {
      attrs[name] = tag.attributes[name].value;
    }
    this.outputs.push({ kind: 'open', attrs });
  }

  private onCloseTag(): void {
    this.level--;
    if (this.level < this.stanzaLevel) {
      this.outputs.push({ kind: 'close' });
      this.done = true;
      throw ABORT;
    }
    const element = this.builder.close();
    if (element !== undefined) {
      if (this.bytesAt(this.sax.position) - this.stanzaStart > this.limits.maxStanzaBytes) {
        this.abort('policy-violation', 'stanza too large');
      }
      this.stanzaStart = -1;
      this.sax.off('text');
      this.outputs.push({ kind: 'element', element });
    }
    this.markEvent();
  }

  private checkEncoding(): void {
    const encoding = this.sax.xmlDecl.encoding?.toLowerCase();
    if (encoding !== undefined && encoding !== 'utf-8') {
      this.abort('unsupported-encoding');
    }
  }

  private markEvent(): void {
    this.lastEvent = this.sax.position;
    this.pendingStart = -1;
  }

  private fail(condition: StreamErrorCondition, text?: string): void {
    if (this.done) {
      return;
    }
    this.done = true;
    this.outputs.push({ kind: 'error', error: new StreamError(condition, text) });
  }

  private abort(condition: StreamErrorCondition, text?: string): never {
    this.fail(condition, text);
    throw ABORT;
  }
}
