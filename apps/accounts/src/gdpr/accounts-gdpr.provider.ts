import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { NatsClient } from '@sotto/nats';
import { AccountsErrorCode, AccountsException } from '../accounts/accounts.exception';
import { AccountsRepository } from '../accounts/accounts.repository';
import type { EventPublisher } from '../accounts/accounts.service';
import { prepareBareJid } from '../accounts/prepare-jid';

/** What the accounts service holds about a person, as it appears in the export archive. */
export const ACCOUNTS_DATASETS: DatasetDescription[] = [
  { name: 'account', columns: ['jid', 'created_at'] },
];

export type AccountRecords = Pick<AccountsRepository, 'findAccount' | 'delete'>;

/** The accounts service's answers to GDPR collect and forget. */
@Injectable()
export class AccountsGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('accounts-gdpr');

  constructor(
    @Inject(AccountsRepository) private readonly accounts: AccountRecords,
    @Inject(NatsClient) private readonly events: EventPublisher,
  ) {}

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const jid = preparedOrNull(subject);
    const account = jid === null ? null : await this.accounts.findAccount(jid);
    if (account) {
      // The JID and when it was made; the SCRAM salt and keys never leave the service.
      yield {
        dataset: 'account',
        rows: [{ jid: account.jid, created_at: account.createdAt.toISOString() }],
      };
    }
  }

  /** Deletes the account and, by cascade, its credentials; a second call deletes nothing. */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const jid = preparedOrNull(subject);
    const deleted = jid !== null && (await this.accounts.delete(jid));
    if (deleted) {
      // A deleted account must not stay logged in anywhere.
      this.events.publish('sessions.end', { jid, condition: 'not-authorized' });
      this.logger.debug(`forgot ${pseudonym(jid)}`);
    }
    return [{ name: 'account', deleted: deleted ? 1 : 0, kept: 0 }];
  }
}

// A subject that does not prepare cannot name a stored account: there is nothing to collect or
// forget, and failing would only have the request redelivered for ever.
function preparedOrNull(subject: string): string | null {
  try {
    return prepareBareJid(subject).bareString();
  } catch (error) {
    if (error instanceof AccountsException && error.code === AccountsErrorCode.InvalidJid) {
      return null;
    }
    throw error;
  }
}
