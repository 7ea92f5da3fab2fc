import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ScramMechanism } from '@sotto/contracts';
import { pseudonym } from '@sotto/logging';
import { NatsClient } from '@sotto/nats';
import {
  decoyCredentials,
  deriveCredentialsAsync,
  mechanismHash,
  type ScramCredentials,
} from '@sotto/scram';
import { Jid } from '@sotto/xmpp';
import { ACCOUNTS_CONFIG, type AccountsConfig } from '../config/accounts.config';
import { AccountsErrorCode, AccountsException } from './accounts.exception';
import { AccountsRepository, type CredentialSet } from './accounts.repository';
import { prepareBareJid } from './prepare-jid';

// What the service needs from its collaborators, so unit tests can hand in small fakes.
export type AccountStore = Pick<
  AccountsRepository,
  | 'insert'
  | 'exists'
  | 'isEnabled'
  | 'findCredentials'
  | 'replaceCredentials'
  | 'disable'
  | 'delete'
>;
export type EventPublisher = Pick<NatsClient, 'publish'>;

@Injectable()
export class AccountsService {
  private readonly logger = new Logger('accounts');
  private readonly domain: string;
  private readonly iterations: number;
  private readonly decoySecret: Buffer;

  constructor(
    @Inject(AccountsRepository) private readonly accounts: AccountStore,
    @Inject(NatsClient) private readonly events: EventPublisher,
    @Inject(ACCOUNTS_CONFIG) config: AccountsConfig,
  ) {
    this.domain = Jid.parse(config.XMPP_DOMAIN).domain;
    this.iterations = config.SCRAM_ITERATIONS;
    this.decoySecret = config.SCRAM_DECOY_SECRET
      ? Buffer.from(config.SCRAM_DECOY_SECRET, 'utf8')
      : randomBytes(32);
  }

  /** Returns the prepared JID the account is stored under. */
  async create(jid: string, password: string): Promise<string> {
    const prepared = prepareBareJid(jid);
    if (prepared.domain !== this.domain) {
      throw new AccountsException(AccountsErrorCode.ForeignDomain, 'JID is not of this domain');
    }
    const bare = prepared.bareString();
    await this.accounts.insert(bare, await this.credentialSet(password));
    this.logger.debug(`created ${pseudonym(bare)}`);
    return bare;
  }

  /**
   * Whether the account exists, and whether it is active (exists and is not disabled). A disabled
   * account still exists: the erasure job asks while the account is disabled. Read after
   * `disable` committed, `active` is false: an erasure that has begun gathers no new data.
   */
  async status(jid: string): Promise<{ exists: boolean; active: boolean }> {
    const bare = prepareBareJid(jid).bareString();
    const active = await this.accounts.isEnabled(bare);
    return { exists: active || (await this.accounts.exists(bare)), active };
  }

  /**
   * False for an unknown or disabled account. Read after `disable` committed, it answers false;
   * `disable` publishes `sessions.end` only after its commit, which is what the gateway's check
   * at bind relies on.
   */
  async loginAllowed(jid: string): Promise<boolean> {
    return this.accounts.isEnabled(prepareBareJid(jid).bareString());
  }

  /**
   * Real credentials, or decoys for an unknown or disabled user, so a login attempt cannot tell the
   * difference: it fails exactly like a wrong password.
   */
  async scramCredentials(jid: string, mechanism: ScramMechanism): Promise<ScramCredentials> {
    const bare = prepareBareJid(jid).bareString();
    const stored = await this.accounts.findCredentials(bare, mechanism);
    return (
      stored ?? decoyCredentials(this.decoySecret, bare, mechanismHash(mechanism), this.iterations)
    );
  }

  /** Returns the prepared JID; new salts for both mechanisms. A disabled account is not found. */
  async changePassword(jid: string, password: string): Promise<string> {
    const bare = prepareBareJid(jid).bareString();
    if (!(await this.accounts.replaceCredentials(bare, await this.credentialSet(password)))) {
      throw new AccountsException(AccountsErrorCode.NotFound, 'no such account');
    }
    this.logger.debug(`changed the password of ${pseudonym(bare)}`);
    return bare;
  }

  /**
   * Blocks every later login (an erasure is starting) and ends the current sessions; idempotent.
   * False when there is no such account.
   */
  async disable(jid: string): Promise<boolean> {
    const bare = prepareBareJid(jid).bareString();
    const disabled = await this.accounts.disable(bare);
    if (disabled) {
      // Again on a repeated call: ending sessions twice is harmless, missing one is not.
      this.events.publish('sessions.end', { jid: bare, condition: 'not-authorized' });
      this.logger.debug(`disabled ${pseudonym(bare)}`);
    }
    return disabled;
  }

  async delete(jid: string): Promise<boolean> {
    const bare = prepareBareJid(jid).bareString();
    const deleted = await this.accounts.delete(bare);
    if (deleted) {
      // The gateways close the user's sessions: a deleted account must not stay logged in.
      this.events.publish('sessions.end', { jid: bare, condition: 'not-authorized' });
      this.logger.debug(`deleted ${pseudonym(bare)}`);
    }
    return deleted;
  }

  private async credentialSet(password: string): Promise<CredentialSet> {
    const [sha1, sha256] = await Promise.all([
      deriveCredentialsAsync(password, 'sha1', this.iterations),
      deriveCredentialsAsync(password, 'sha256', this.iterations),
    ]);
    return { 'SCRAM-SHA-1': sha1, 'SCRAM-SHA-256': sha256 };
  }
}
