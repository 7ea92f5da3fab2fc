import { describe, it, expect, beforeEach } from 'vitest';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import {
  RegistrationService,
  type AccountCreator,
  type TombstoneStore,
} from './registration.service';
import { SubjectHasher } from './subject-hash';

class FakeAccounts implements AccountCreator {
  readonly created = new Map<string, string>();
  conflicts = 0;
  async create(jid: string, password: string): Promise<string> {
    if (this.created.has(jid) || this.conflicts-- > 0) {
      throw new AdminException(AdminErrorCode.Conflict, 'the account already exists');
    }
    this.created.set(jid, password);
    return jid;
  }
}

class FakeTombstones implements TombstoneStore {
  readonly hashes = new Set<string>();
  async exists(hash: string): Promise<boolean> {
    return this.hashes.has(hash);
  }
}

async function code(promise: Promise<unknown>): Promise<AdminErrorCode | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (error instanceof AdminException) {
      return error.code;
    }
    throw error;
  }
}

describe('RegistrationService', () => {
  const hasher = new SubjectHasher('a tombstone key for tests');
  let accounts: FakeAccounts;
  let tombstones: FakeTombstones;
  let sut: RegistrationService;

  beforeEach(() => {
    accounts = new FakeAccounts();
    tombstones = new FakeTombstones();
    sut = new RegistrationService(accounts, tombstones, hasher, { XMPP_DOMAIN: 'Example.org' });
  });

  it('registers a random JID and returns a generated password once', async () => {
    const { jid, password } = await sut.register({});
    expect(jid).toMatch(/^[a-z0-9]{20}@example\.org$/);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(accounts.created.get(jid)).toBe(password);
    expect(await sut.register({ domain: 'EXAMPLE.org', password: 'chosen' })).toEqual({
      jid: expect.stringMatching(/@example\.org$/),
    });
  });

  it('draws again on the unlikely conflict, and gives up after a few', async () => {
    accounts.conflicts = 2;
    expect(await code(sut.register({}))).toBe('no error');
    accounts.conflicts = 3;
    expect(await code(sut.register({}))).toBe(AdminErrorCode.Conflict);
  });

  it('refuses a foreign domain or an empty password', async () => {
    expect(await code(sut.register({ domain: 'other.org' }))).toBe(AdminErrorCode.Invalid);
    expect(await code(sut.register({ domain: 'bad domain' }))).toBe(AdminErrorCode.Invalid);
    expect(await code(sut.register({ password: '' }))).toBe(AdminErrorCode.Invalid);
  });

  it('registers a chosen JID: 409 when it exists or was erased, 400 when invalid', async () => {
    expect(await sut.registerIdentified('Bob@example.org', 'pw')).toEqual({
      jid: 'bob@example.org',
    });
    expect(await code(sut.registerIdentified('bob@example.org', 'pw'))).toBe(
      AdminErrorCode.Conflict,
    );
    tombstones.hashes.add(hasher.hash('carol@example.org'));
    expect(await code(sut.registerIdentified('CAROL@example.org', 'pw'))).toBe(
      AdminErrorCode.Conflict,
    );
    for (const jid of ['bad jid@', 'example.org', 'dave@example.org/res', 'dave@other.org']) {
      expect(await code(sut.registerIdentified(jid, 'pw')), jid).toBe(AdminErrorCode.Invalid);
    }
  });
});
