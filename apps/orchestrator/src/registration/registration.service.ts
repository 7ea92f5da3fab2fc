import { Inject, Injectable, Logger } from '@nestjs/common';
import { Password } from '@sotto/contracts';
import { pseudonym } from '@sotto/logging';
import { Jid, JidError, prepDomainpart } from '@sotto/xmpp';
import { AccountsClient } from '../accounts/accounts.client';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator.config';
import { randomLocalpart, randomPassword } from './random-localpart';
import { SubjectHasher } from './subject-hash';
import { parseAccountJid } from './subject';
import { TombstonesRepository } from './tombstones.repository';

export type AccountCreator = Pick<AccountsClient, 'create'>;
export type TombstoneStore = Pick<TombstonesRepository, 'exists'>;

// A collision among 36^20 localparts is astronomically unlikely; a few tries are plenty.
const RANDOM_ATTEMPTS = 3;

/** New accounts: with a random JID (`register`) or a chosen one (`register_identified`). */
@Injectable()
export class RegistrationService {
  private readonly logger = new Logger('registration');
  private readonly domain: string;

  constructor(
    @Inject(AccountsClient) private readonly accounts: AccountCreator,
    @Inject(TombstonesRepository) private readonly tombstones: TombstoneStore,
    @Inject(SubjectHasher) private readonly hasher: SubjectHasher,
    @Inject(ORCHESTRATOR_CONFIG) config: Pick<OrchestratorConfig, 'XMPP_DOMAIN'>,
  ) {
    this.domain = Jid.parse(config.XMPP_DOMAIN).domain;
  }

  /** The generated password is returned once, when none was given, and never stored here. */
  async register(input: { domain?: string; password?: string }): Promise<{
    jid: string;
    password?: string;
  }> {
    if (input.domain !== undefined && this.prepareDomain(input.domain) !== this.domain) {
      throw new AdminException(AdminErrorCode.Invalid, `the domain must be ${this.domain}`);
    }
    const password = input.password ?? randomPassword();
    this.checkPassword(password);
    for (let attempt = 1; ; attempt++) {
      const jid = Jid.of(randomLocalpart(), this.domain).bareString();
      try {
        const created = await this.accounts.create(jid, password);
        this.logger.debug(`registered ${pseudonym(created)}`);
        return input.password === undefined ? { jid: created, password } : { jid: created };
      } catch (error) {
        if (
          !(error instanceof AdminException && error.code === AdminErrorCode.Conflict) ||
          attempt === RANDOM_ATTEMPTS
        ) {
          throw error;
        }
      }
    }
  }

  /** Conflict when the JID exists or was erased (tombstoned); Invalid when it is not ours. */
  async registerIdentified(jid: string, password: string): Promise<{ jid: string }> {
    const bare = this.prepareOwn(jid);
    this.checkPassword(password);
    if (await this.tombstones.exists(this.hasher.hash(bare))) {
      throw new AdminException(
        AdminErrorCode.Conflict,
        'this JID belonged to an erased account and cannot be registered again',
      );
    }
    const created = await this.accounts.create(bare, password);
    this.logger.debug(`registered ${pseudonym(created)}`);
    return { jid: created };
  }

  /** The prepared bare JID of an account of this server's domain. */
  prepareOwn(jid: string): string {
    const prepared = parseAccountJid(jid);
    if (prepared.domain !== this.domain) {
      throw new AdminException(
        AdminErrorCode.Invalid,
        `the JID must be of the domain ${this.domain}`,
      );
    }
    return prepared.bareString();
  }

  private prepareDomain(domain: string): string {
    try {
      return prepDomainpart(domain);
    } catch (error) {
      if (error instanceof JidError) {
        throw new AdminException(AdminErrorCode.Invalid, `invalid domain: ${error.message}`);
      }
      throw error;
    }
  }

  private checkPassword(password: string): void {
    if (!Password.safeParse(password).success) {
      throw new AdminException(AdminErrorCode.Invalid, 'the password must be 1 to 1024 characters');
    }
  }
}
