import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { JidError } from './jid-error';

// RFC 7622 prepares parts with the PRECIS profiles of RFC 8264/8265, which are defined over
// Unicode derived properties. npm has no well-kept PRECIS implementation, so we approximate the
// PRECIS classes with Unicode general-category regexes, which V8 keeps current with its ICU.
// Known gaps: no Bidi rule, no CONTEXTJ/CONTEXTO rules (join controls are simply refused in
// localparts), and resourceparts do not refuse default-ignorable code points.

const MAX_PART_BYTES = 1023;

// Halfwidth and Fullwidth Forms block: PRECIS maps these to their <wide>/<narrow> decompositions.
const WIDTH_FORMS = /[\uFF00-\uFFEF]/g;
// IdentifierClass: "ASCII7" (printable ASCII) plus "LetterDigits".
const IDENTIFIER = /^[\x21-\x7E\p{Ll}\p{Lu}\p{Lo}\p{Lm}\p{Nd}\p{Mn}\p{Mc}]+$/u;
const NON_ASCII = /[^\x00-\x7F]/;
// RFC 7622 §3.3.1: refused in localparts even though IdentifierClass allows them.
const LOCAL_FORBIDDEN = /["&'/:<>@]/;
// FreeformClass refuses controls, unassigned code points and lone surrogates.
const FREEFORM_FORBIDDEN = /[\p{Cc}\p{Cn}\p{Cs}]/u;
const NON_ASCII_SPACE = /(?!\x20)\p{Zs}/gu;

function checkLength(part: string, what: string): void {
  if (part.length === 0) {
    throw new JidError(`empty ${what}`);
  }
  if (Buffer.byteLength(part, 'utf8') > MAX_PART_BYTES) {
    throw new JidError(`${what} longer than ${MAX_PART_BYTES} bytes`);
  }
}

function toNarrow(ch: string): string {
  return ch.normalize('NFKC');
}

/** Prepares a localpart with the PRECIS UsernameCaseMapped profile (RFC 8265 §3.3) as RFC 7622 requires. */
export function prepLocalpart(s: string): string {
  const prepared = s.replace(WIDTH_FORMS, toNarrow).toLowerCase().normalize('NFC');
  checkLength(prepared, 'localpart');
  if (!IDENTIFIER.test(prepared)) {
    throw new JidError('localpart contains a disallowed character');
  }
  if (NON_ASCII.test(prepared)) {
    // IdentifierClass also refuses "HasCompat" code points (ligatures, letter-like symbols...).
    for (const ch of prepared) {
      if (ch.normalize('NFKC') !== ch) {
        throw new JidError(`compatibility character in localpart: ${ch}`);
      }
    }
  }
  if (LOCAL_FORBIDDEN.test(prepared)) {
    throw new JidError('localpart contains a forbidden character');
  }
  return prepared;
}

/** Prepares a resourcepart with the PRECIS OpaqueString profile (RFC 8265 §4.2): case is kept. */
export function prepResourcepart(s: string): string {
  const prepared = s.replace(NON_ASCII_SPACE, ' ').normalize('NFC');
  checkLength(prepared, 'resourcepart');
  if (FREEFORM_FORBIDDEN.test(prepared)) {
    throw new JidError('resourcepart contains a disallowed character');
  }
  return prepared;
}

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const FORBIDDEN_ASCII = /[\x00-\x2C\x2F\x3A-\x60\x7B-\x7F]/;
// The WHATWG host parser behind domainToASCII reads a numeric last label as an IPv4 address
// ("1.2.3" becomes "1.2.0.3"); no domain name ends in an all-digit label, so refuse those.
const NUMERIC_LAST_LABEL = /(?:^|\.)[0-9]+$/;

/**
 * Prepares a domainpart (RFC 7622 §3.2): one trailing dot stripped, IP literals kept, names
 * lower-cased, checked through IDNA (UTS #46) and returned in their Unicode form.
 */
export function prepDomainpart(s: string): string {
  const domain = s.endsWith('.') ? s.slice(0, -1) : s;
  if (domain.length === 0) {
    throw new JidError('empty domainpart');
  }
  if (domain.startsWith('[') && domain.endsWith(']')) {
    if (!isIPv6(domain.slice(1, -1))) {
      throw new JidError('invalid IPv6 literal');
    }
    return domain.toLowerCase();
  }
  if (isIPv4(domain)) {
    return domain;
  }
  const name = domain.toLowerCase().normalize('NFC');
  // domainToASCII is a URL host parser: it would cut "a/b" down to "a" and decode "%41", so
  // ASCII characters are checked here; non-ASCII ones are left to its UTS #46 mapping.
  if (FORBIDDEN_ASCII.test(name)) {
    throw new JidError('domainpart contains a forbidden character');
  }
  let ascii = domainToASCII(name);
  // A full-width or ideographic trailing dot only becomes "." in the ASCII form.
  if (ascii.endsWith('.') && !name.endsWith('.')) {
    ascii = ascii.slice(0, -1);
  }
  if (ascii === '') {
    throw new JidError('invalid domainpart');
  }
  if (NUMERIC_LAST_LABEL.test(ascii)) {
    throw new JidError('domainpart is neither a name nor an IP literal');
  }
  for (const label of ascii.split('.')) {
    if (label.length > 63 || !LDH_LABEL.test(label)) {
      throw new JidError('invalid domain label');
    }
  }
  const unicode = domainToUnicode(ascii);
  if (Buffer.byteLength(unicode, 'utf8') > MAX_PART_BYTES) {
    throw new JidError(`domainpart longer than ${MAX_PART_BYTES} bytes`);
  }
  return unicode;
}
