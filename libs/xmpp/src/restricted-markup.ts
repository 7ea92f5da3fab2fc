// The start of the only "<!" or "<?" markup XMPP allows. test() also accepts a prefix of the
// opening, which may still grow into a match once more input arrives.
class Opening {
  readonly length: number;

  constructor(
    private readonly literal: string,
    private readonly then?: RegExp,
  ) {
    this.length = literal.length + (then === undefined ? 0 : 1);
  }

  test(head: string): boolean {
    if (!this.literal.startsWith(head.slice(0, this.literal.length))) {
      return false;
    }
    return (
      head.length <= this.literal.length ||
      this.then === undefined ||
      this.then.test(head.slice(-1))
    );
  }
}

const CDATA_OPEN = new Opening('<![CDATA[');
// Only "<?xml" followed by whitespace is the XML declaration; "<?xml-stylesheet" is a PI.
const XML_DECL_OPEN = new Opening('<?xml', /[\x20\x09\x0A\x0D]/);
const DECL_OR_PI = /<[!?]/g;

/**
 * Spots the markup RFC 6120 §11.1 forbids (DOCTYPE and other declarations, comments, processing
 * instructions) as soon as its first characters arrive. saxes reports such markup only once it
 * is complete and buffers it meanwhile, so an unterminated "<!DOCTYPE" or "<!--" could otherwise
 * grow without bound. Outside CDATA sections, "<!" and "<?" can only start such markup, a CDATA
 * section or the XML declaration, which keeps this a cheap substring search.
 */
export class RestrictedMarkupScanner {
  private inCdata = false;
  // The end of the previous piece when it may be the start of "<![CDATA[", "<?xml " or "]]>".
  private carry = '';
  private scanned = 0;
  // Where the XML declaration may sit: the very start, or just after a byte order mark.
  private xmlDeclAt = 0;

  /**
   * Scans the next piece of the document. Returns the index in `text` where forbidden markup
   * starts (negative when it started in an earlier piece), or undefined when there is none.
   */
  scan(text: string): number | undefined {
    if (this.scanned === 0 && text.charCodeAt(0) === 0xfeff) {
      this.xmlDeclAt = 1;
    }
    const s = this.carry + text;
    const carried = this.carry.length;
    const base = this.scanned - carried;
    this.scanned += text.length;
    this.carry = '';
    let i = 0;
    for (;;) {
      if (this.inCdata) {
        const end = s.indexOf(']]>', i);
        if (end === -1) {
          this.carry = s.slice(Math.max(i, s.length - 2));
          return undefined;
        }
        this.inCdata = false;
        i = end + 3;
        continue;
      }
      DECL_OR_PI.lastIndex = i;
      const match = DECL_OR_PI.exec(s);
      if (match === null) {
        if (s.endsWith('<')) {
          this.carry = '<';
        }
        return undefined;
      }
      const at = match.index;
      const isDecl = s[at + 1] === '?';
      if (isDecl && base + at !== this.xmlDeclAt) {
        return at - carried;
      }
      const allowed = isDecl ? XML_DECL_OPEN : CDATA_OPEN;
      const head = s.slice(at, at + allowed.length);
      if (!allowed.test(head)) {
        return at - carried;
      }
      if (head.length < allowed.length) {
        this.carry = head;
        return undefined;
      }
      // saxes checks the rest of the declaration; a CDATA section is skipped up to "]]>".
      this.inCdata = !isDecl;
      i = at + (isDecl ? 2 : allowed.length);
    }
  }
}
