import { describe, it, expect } from 'vitest';
import { AccountsErrorCode, AccountsException, toRpcError } from './accounts.exception';

describe('toRpcError', () => {
  it.each([
    [AccountsErrorCode.InvalidJid, 'bad-request'],
    [AccountsErrorCode.ForeignDomain, 'bad-request'],
    [AccountsErrorCode.AlreadyExists, 'conflict'],
    [AccountsErrorCode.NotFound, 'not-found'],
  ])('maps %s to %s', (code, rpcCode) => {
    const sut = toRpcError(new AccountsException(code, 'why'));
    expect(sut).toMatchObject({ code: rpcCode, message: 'why' });
  });
});
