import { Injectable } from '@nestjs/common';
import type { StreamError } from '@sotto/xmpp';

/** What the gateway needs of a bound connection to deliver to it or end it. */
export interface BoundSession {
  readonly fullJid: string;
  readonly bareJid: string;
  /** Asked for the roster since binding (RFC 6121 §2.1.6): roster pushes are for it. */
  readonly rosterInterested: boolean;
  deliver(xml: string): void;
  end(error: StreamError): void;
}

/** The sessions bound on this gateway process, by full JID. */
@Injectable()
export class LocalSessions {
  private readonly byFullJid = new Map<string, BoundSession>();

  add(session: BoundSession): void {
    this.byFullJid.set(session.fullJid, session);
  }

  remove(session: BoundSession): void {
    if (this.byFullJid.get(session.fullJid) === session) {
      this.byFullJid.delete(session.fullJid);
    }
  }

  get(fullJid: string): BoundSession | undefined {
    return this.byFullJid.get(fullJid);
  }

  ofUser(bareJid: string): BoundSession[] {
    return [...this.byFullJid.values()].filter((session) => session.bareJid === bareJid);
  }

  all(): BoundSession[] {
    return [...this.byFullJid.values()];
  }
}
