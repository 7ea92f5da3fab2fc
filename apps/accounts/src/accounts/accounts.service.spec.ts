import { describe, it, expect, beforeEach } from 'vitest';
import type { EventPayload, EventSubject, ScramMechanism } from '@sotto/contracts';
import {
  decoyCredentials,
  deriveCredentials,
  verifyPassword,
  type ScramCredentials,
} from '@sotto/scram';
import type { AccountsConfig } from '../config/accounts.config';
import { AccountsErrorCode, AccountsException } from './accounts.exception';
import type { CredentialSet } from './accounts.repository';
import { AccountsService, type AccountStore, type EventPublisher } from './accounts.service';

class FakeAccountStore implements AccountStore {
  readonly accounts = new Map<string, CredentialSet>();
  readonly disabled = new Set<string>();

  async insert(jid: string, credentials: CredentialSet): Promise<void> {
    if (this.accounts.has(jid)) {
      throw new AccountsException(AccountsErrorCode.AlreadyExists);
    }
    this.accounts.set(jid, credentials);
  }
  async exists(jid: string): Promise<boolean> {
    return this.accounts.has(jid);
  }
  async isEnabled(jid: string): Promise<boolean> {
    return this.accounts.has(jid) && !this.disabled.has(jid);
  }
  async findCredentials(jid: string, mechanism: ScramMechanism): Promise<ScramCredentials | null> {
    return this.disabled.has(jid) ? null : (this.accounts.get(jid)?.[mechanism] ?? null);
  }
  async replaceCredentials(jid: string, credentials: CredentialSet): Promise<boolean> {
    return (
      this.accounts.has(jid) &&
      !this.disabled.has(jid) &&
      Boolean(this.accounts.set(jid, credentials))
    );
  }
  async disable(jid: string): Promise<boolean> {
    return this.accounts.has(jid) && Boolean(this.disabled.add(jid));
  }
  async delete(jid: string): Promise<boolean> {
    this.disabled.delete(jid);
    return this.accounts.delete(jid);
  }
}

class FakePublisher implements EventPublisher {
  readonly published: { subject: EventSubject; payload: EventPayload<EventSubject> }[] = [];
  publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): void {
    this.published.push({ subject, payload });
  }
}

const config: AccountsConfig = {
  XMPP_DOMAIN: 'example.org',
  NATS_URL: 'nats://unused',
  LOG_LEVEL: 'warning',
  ACCOUNTS_DATABASE_URL: 'postgres://unused',
  SCRAM_ITERATIONS: 4096,
  SCRAM_DECOY_SECRET: 'a decoy secret of some length',
};

async function code(promise: Promise<unknown>): Promise<AccountsErrorCode | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (error instanceof AccountsException) {
      return error.code;
    }
    throw error;
  }
}

describe('AccountsService', () => {
  let store: FakeAccountStore;
  let events: FakePublisher;
  let sut: AccountsService;

  beforeEach(() => {
    store = new FakeAccountStore();
    events = new FakePublisher();
    sut = new AccountsService(store, events, config);
  });

  describe('create', () => {
    it('stores the prepared JID with SHA-1 and SHA-256 credentials of the password', async () => {
      expect(await sut.create('Juliet@Example.org', 'pencil')).toBe('juliet@example.org');
      const stored = store.accounts.get('juliet@example.org');
      expect(stored?.['SCRAM-SHA-1'].storedKey).toHaveLength(20);
      expect(stored?.['SCRAM-SHA-1'].iterations).toBe(4096);
      expect(await verifyPassword('pencil', stored!['SCRAM-SHA-256'], 'sha256')).toBe(true);
      expect(await verifyPassword('pencil', stored!['SCRAM-SHA-1'], 'sha1')).toBe(true);
    });

    it('refuses an existing JID', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await code(sut.create('JULIET@example.org', 'other'))).toBe(
        AccountsErrorCode.AlreadyExists,
      );
    });

    it('refuses another domain', async () => {
      expect(await code(sut.create('juliet@example.com', 'pencil'))).toBe(
        AccountsErrorCode.ForeignDomain,
      );
    });

    it('refuses a JID that does not prepare', async () => {
      expect(await code(sut.create('ju\u0000liet@example.org', 'pencil'))).toBe(
        AccountsErrorCode.InvalidJid,
      );
    });
  });

  describe('scramCredentials', () => {
    it('returns the stored credentials of the mechanism', async () => {
      await sut.create('juliet@example.org', 'pencil');
      const credentials = await sut.scramCredentials('juliet@example.org', 'SCRAM-SHA-256');
      expect(credentials).toBe(store.accounts.get('juliet@example.org')?.['SCRAM-SHA-256']);
    });

    it('returns stable decoys shaped like real credentials for an unknown user', async () => {
      const decoy = await sut.scramCredentials('Romeo@example.org', 'SCRAM-SHA-1');
      expect(decoy).toEqual(await sut.scramCredentials('romeo@example.org', 'SCRAM-SHA-1'));
      const secret = Buffer.from(config.SCRAM_DECOY_SECRET!);
      expect(decoy).toEqual(decoyCredentials(secret, 'romeo@example.org', 'sha1', 4096));
      const real = deriveCredentials('x', 'sha1', 4096);
      expect(decoy.salt).toHaveLength(real.salt.length);
      expect(decoy.storedKey).toHaveLength(real.storedKey.length);
    });
  });

  describe('status: exists', () => {
    it('tells whether the prepared JID has an account', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect((await sut.status('JULIET@example.org')).exists).toBe(true);
      expect((await sut.status('romeo@example.org')).exists).toBe(false);
    });
  });

  describe('status', () => {
    it('reports an account as active until its erasure begins, and as existing until deleted', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await sut.status('JULIET@example.org')).toEqual({ exists: true, active: true });
      await sut.disable('juliet@example.org');
      expect(await sut.status('juliet@example.org')).toEqual({ exists: true, active: false });
      await sut.delete('juliet@example.org');
      expect(await sut.status('juliet@example.org')).toEqual({ exists: false, active: false });
      expect(await sut.status('romeo@example.org')).toEqual({ exists: false, active: false });
    });
  });

  describe('loginAllowed', () => {
    it('allows an existing account, not an unknown one', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await sut.loginAllowed('Juliet@example.org')).toBe(true);
      expect(await sut.loginAllowed('romeo@example.org')).toBe(false);
    });
  });

  describe('changePassword', () => {
    it('replaces both credentials with new salts', async () => {
      await sut.create('juliet@example.org', 'pencil');
      const before = store.accounts.get('juliet@example.org')!;
      expect(await sut.changePassword('juliet@example.org', 'crayon')).toBe('juliet@example.org');
      const after = store.accounts.get('juliet@example.org')!;
      expect(after['SCRAM-SHA-1'].salt.equals(before['SCRAM-SHA-1'].salt)).toBe(false);
      expect(await verifyPassword('crayon', after['SCRAM-SHA-256'], 'sha256')).toBe(true);
      expect(await verifyPassword('pencil', after['SCRAM-SHA-256'], 'sha256')).toBe(false);
    });

    it('reports an unknown account', async () => {
      expect(await code(sut.changePassword('romeo@example.org', 'x'))).toBe(
        AccountsErrorCode.NotFound,
      );
    });
  });

  describe('disable', () => {
    const ended = {
      subject: 'sessions.end',
      payload: { jid: 'juliet@example.org', condition: 'not-authorized' },
    };

    it('ends the sessions, then answers decoys so a login fails like a wrong password', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await sut.disable('Juliet@example.org')).toBe(true);
      expect(events.published).toEqual([ended]);
      const secret = Buffer.from(config.SCRAM_DECOY_SECRET!);
      for (const [mechanism, hash] of [
        ['SCRAM-SHA-1', 'sha1'],
        ['SCRAM-SHA-256', 'sha256'],
      ] as const) {
        expect(await sut.scramCredentials('juliet@example.org', mechanism)).toEqual(
          decoyCredentials(secret, 'juliet@example.org', hash, 4096),
        );
      }
    });

    it('ends the sessions only once a login check would see the account disabled', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await sut.loginAllowed('juliet@example.org')).toBe(true);
      // A gateway's check at bind that runs after sessions.end must answer false: the store
      // says disabled before anything is published.
      const disabledWhenPublished: boolean[] = [];
      const publish = events.publish.bind(events);
      events.publish = (subject, payload) => {
        disabledWhenPublished.push(store.disabled.has('juliet@example.org'));
        publish(subject, payload);
      };
      await sut.disable('juliet@example.org');
      expect(disabledWhenPublished).toEqual([true]);
      expect(await sut.loginAllowed('JULIET@example.org')).toBe(false);
    });

    it('refuses a password change and still reports the account as existing', async () => {
      await sut.create('juliet@example.org', 'pencil');
      await sut.disable('juliet@example.org');
      expect(await code(sut.changePassword('juliet@example.org', 'crayon'))).toBe(
        AccountsErrorCode.NotFound,
      );
      // The erasure job checks existence after disabling.
      expect((await sut.status('juliet@example.org')).exists).toBe(true);
    });

    it('is idempotent', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await sut.disable('juliet@example.org')).toBe(true);
      expect(await sut.disable('juliet@example.org')).toBe(true);
      expect(events.published).toEqual([ended, ended]);
    });

    it('answers false and publishes nothing for an unknown account', async () => {
      expect(await sut.disable('romeo@example.org')).toBe(false);
      expect(events.published).toEqual([]);
    });

    it('refuses a JID that does not prepare', async () => {
      expect(await code(sut.disable('not a jid'))).toBe(AccountsErrorCode.InvalidJid);
    });
  });

  describe('delete', () => {
    it('deletes the account and ends its sessions', async () => {
      await sut.create('juliet@example.org', 'pencil');
      expect(await sut.delete('Juliet@example.org')).toBe(true);
      expect((await sut.status('juliet@example.org')).exists).toBe(false);
      expect(events.published).toEqual([
        {
          subject: 'sessions.end',
          payload: { jid: 'juliet@example.org', condition: 'not-authorized' },
        },
      ]);
    });

    it('answers false and publishes nothing for an unknown account', async () => {
      expect(await sut.delete('romeo@example.org')).toBe(false);
      expect(events.published).toEqual([]);
    });
  });
});
