const DECL_OR_PI = /<[!?]/g;
const CDATA_OPEN = '<![CDATA[';

/**
 * Spots the markup RFC 6120 §11.1 forbids (DOCTYPE and other declarations, comments, processing
 * instructions) as soon as its first two characters arrive. saxes reports such markup only once
 * it is complete and buffers it meanwhile, so an unterminated "<!DOCTYPE" or "<!--" could
 * otherwise grow without bound. Outside CDATA sections, "<!" and "<?" can only start such
 * markup (or CDATA, or the XML declaration), which keeps this a cheap substring search.
 */
export class RestrictedMarkupScanner {
  private inCdata = false;
  // The end of the previous text when it might be the start of "<![CDATA[" or "]]>".
  private carry = '';
  private scanned = 0;
  // Where the XML declaration may sit: the very start, or just after a byte order mark.
  private xmlDeclAt = 0;

  /**
   * Scans the next piece of the document. Returns the index in `text` where forbidden markup
   * starts (negative when it started in an earlier piece), or undefined when there is none.
   */
  scan(text: string): number | undefined {
    if (this.scanned === 0 && text.charCodeAt(0) === 0xfeff) this.xmlDeclAt = 1;
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
        if (s.endsWith('<')) this.carry = '<';
        return undefined;
      }
      const at = match.index;
      if (s[at + 1] === '?') {
        if (base + at !== this.xmlDeclAt) return at - carried;
        i = at + 2;
        continue;
      }
      const head = s.slice(at, at + CDATA_OPEN.length);
      if (head === CDATA_OPEN) {
        this.inCdata = true;
        i = at + CDATA_OPEN.length;
      } else if (head.length < CDATA_OPEN.length && CDATA_OPEN.startsWith(head)) {
        this.carry = head;
        return undefined;
      } else {
        return at - carried;
      }
    }
  }
}
