import { JidError } from './jid-error';
import { prepDomainpart, prepLocalpart, prepResourcepart } from './jid-prep';

/** An immutable, prepared XMPP address (RFC 7622). */
export class Jid {
  private text: string | undefined;

  // Parts given here are already prepared; the static factories are the only way in.
  private constructor(
    readonly local: string | undefined,
    readonly domain: string,
    readonly resource: string | undefined,
  ) {}

  /**
   * Parses and prepares a JID string. Split per RFC 7622 §3.1: the resourcepart is everything
   * after the first '/', the localpart is what precedes the first '@' before that '/'.
   * @throws JidError when the string or any part is invalid
   */
  static parse(input: string): Jid {
    let rest = input;
    let resource: string | undefined;
    const slash = rest.indexOf('/');
    if (slash !== -1) {
      resource = rest.slice(slash + 1);
      rest = rest.slice(0, slash);
      if (resource === '') {
        throw new JidError('empty resourcepart');
      }
    }
    let local: string | undefined;
    const at = rest.indexOf('@');
    if (at !== -1) {
      local = rest.slice(0, at);
      rest = rest.slice(at + 1);
      if (local === '') {
        throw new JidError('empty localpart');
      }
    }
    return Jid.of(local, rest, resource);
  }

  /**
   * Builds a JID from separate parts, preparing each one.
   * @throws JidError when any part is invalid (an empty string is invalid, undefined is absent)
   */
  static of(local: string | undefined, domain: string, resource?: string): Jid {
    return new Jid(
      local === undefined ? undefined : prepLocalpart(local),
      prepDomainpart(domain),
      resource === undefined ? undefined : prepResourcepart(resource),
    );
  }

  /** This JID without its resourcepart. */
  bare(): Jid {
    return this.resource === undefined ? this : new Jid(this.local, this.domain, undefined);
  }

  /** True when there is no resourcepart. */
  isBare(): boolean {
    return this.resource === undefined;
  }

  /** `local@domain`, or `domain` alone. */
  bareString(): string {
    return this.local === undefined ? this.domain : `${this.local}@${this.domain}`;
  }

  /** The full JID string. */
  toString(): string {
    this.text ??=
      this.resource === undefined ? this.bareString() : `${this.bareString()}/${this.resource}`;
    return this.text;
  }

  /** Compares prepared parts, so differently written forms of one address are equal. */
  equals(other: Jid): boolean {
    return (
      this.domain === other.domain && this.local === other.local && this.resource === other.resource
    );
  }

  /**
   * The same bare JID with `resource` (prepared) as its resourcepart.
   * @throws JidError when the resourcepart is invalid
   */
  withResource(resource: string): Jid {
    return new Jid(this.local, this.domain, prepResourcepart(resource));
  }
}
