import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, QueryFailedError } from 'typeorm';
import type { ScramMechanism } from '@sotto/contracts';
import type { ScramCredentials } from '@sotto/scram';
import { AccountEntity } from './account.entity';
import { AccountsErrorCode, AccountsException } from './accounts.exception';
import { ScramCredentialEntity } from './scram-credential.entity';

export type CredentialSet = Record<ScramMechanism, ScramCredentials>;
/** What an export shows of an account: no credential material, ever. */
export type AccountRecord = Pick<AccountEntity, 'jid' | 'createdAt'>;

const UNIQUE_VIOLATION = '23505';

/** The only code that touches the accounts tables. JIDs here are already prepared. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws `AccountsException(AlreadyExists)` when the JID is taken, even by a concurrent insert. */
  async insert(jid: string, credentials: CredentialSet): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        const inserted = await manager.insert(AccountEntity, { jid });
        const accountId = (inserted.identifiers[0] as Pick<AccountEntity, 'id'>).id;
        await manager.insert(ScramCredentialEntity, rows(accountId, credentials));
      });
    } catch (error) {
      // The unique index decides between concurrent creations of the same JID.
      if (
        error instanceof QueryFailedError &&
        driverCode(error as QueryFailedError<Error>) === UNIQUE_VIOLATION
      ) {
        throw new AccountsException(AccountsErrorCode.AlreadyExists, 'account already exists');
      }
      throw error;
    }
  }

  /** True for a disabled account too: it exists until its erasure deletes it. */
  exists(jid: string): Promise<boolean> {
    return this.dataSource.getRepository(AccountEntity).existsBy({ jid });
  }

  /** True for an account that exists and is not disabled: one that may log in. */
  isEnabled(jid: string): Promise<boolean> {
    return this.dataSource.getRepository(AccountEntity).existsBy({ jid, disabledAt: IsNull() });
  }

  async findAccount(jid: string): Promise<AccountRecord | null> {
    const row = await this.dataSource
      .getRepository(AccountEntity)
      .findOne({ select: { jid: true, createdAt: true }, where: { jid } });
    return row && { jid: row.jid, createdAt: row.createdAt };
  }

  /** Null for an unknown or disabled account: the caller answers both with decoys. */
  async findCredentials(jid: string, mechanism: ScramMechanism): Promise<ScramCredentials | null> {
    const row = await this.dataSource
      .getRepository(ScramCredentialEntity)
      .findOne({ where: { mechanism, account: { jid, disabledAt: IsNull() } } });
    return (
      row && {
        salt: row.salt,
        iterations: row.iterations,
        storedKey: row.storedKey,
        serverKey: row.serverKey,
      }
    );
  }

  /** Returns false when there is no such account, or it is disabled. */
  async replaceCredentials(jid: string, credentials: CredentialSet): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // The row lock keeps a concurrent delete or disable from slipping between the lookup and
      // the upsert.
      const account = await manager.findOne(AccountEntity, {
        where: { jid, disabledAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!account) {
        return false;
      }
      await manager.upsert(ScramCredentialEntity, rows(account.id, credentials), [
        'accountId',
        'mechanism',
      ]);
      return true;
    });
  }

  /** Marks the account disabled, keeping the first time; false when there is no such account. */
  async disable(jid: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(AccountEntity)
      .set({ disabledAt: () => 'COALESCE(disabled_at, now())' })
      .where({ jid })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the account and, by cascade, its credentials; false when there was none. */
  async delete(jid: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(AccountEntity).delete({ jid });
    return (result.affected ?? 0) > 0;
  }
}

function rows(accountId: string, credentials: CredentialSet): ScramCredentialEntity[] {
  return (Object.keys(credentials) as ScramMechanism[]).map((mechanism) => ({
    accountId,
    mechanism,
    ...credentials[mechanism],
  }));
}

function driverCode(error: QueryFailedError<Error>): unknown {
  return (error.driverError as { code?: unknown }).code;
}
