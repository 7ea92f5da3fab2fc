import { Inject, Injectable } from '@nestjs/common';
import { NatsClient } from '@sotto/nats';
import { Jid } from '@sotto/xmpp';
import { ROSTER_CONFIG, type RosterConfig } from '../config/roster.config';

/** Whether a JID is an account of this server (asked of the accounts service). */
export interface AccountLookup {
  isAccount(jid: string): Promise<boolean>;
}

/**
 * State is kept for a contact only when the contact is an account here: no request waits for an
 * address nobody holds, and an erased user (whose JID stays taken) gathers no new data.
 */
@Injectable()
export class AccountDirectory implements AccountLookup {
  private readonly domain: string;

  constructor(
    private readonly nats: NatsClient,
    @Inject(ROSTER_CONFIG) config: RosterConfig,
  ) {
    this.domain = Jid.parse(config.XMPP_DOMAIN).domain;
  }

  /** Throws `RpcError` when the accounts service does not answer. */
  async isAccount(jid: string): Promise<boolean> {
    const parsed = Jid.parse(jid);
    if (parsed.local === undefined || !parsed.isBare() || parsed.domain !== this.domain) {
      return false;
    }
    // An account whose erasure has begun counts as none: its roster may already be forgotten.
    return (await this.nats.request('accounts.exists', { jid })).active;
  }
}
