import { describe, it, expect } from 'vitest';
import { errors } from '@nats-io/transport-node';
import { RpcError } from '@sotto/nats';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { AccountsClient, type AccountsBus } from './accounts.client';

function clientFailingWith(error: Error): AccountsClient {
  const bus: AccountsBus = {
    request: () => Promise.reject(error),
    publish: () => undefined,
  };
  return new AccountsClient(bus);
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

describe('AccountsClient', () => {
  it.each([
    [new RpcError('conflict', 'exists'), AdminErrorCode.Conflict],
    [new RpcError('bad-request', 'bad'), AdminErrorCode.Invalid],
    [new RpcError('not-found', 'none'), AdminErrorCode.NotFound],
    [new RpcError('unavailable', 'down'), AdminErrorCode.Unavailable],
    [new RpcError('timeout', 'slow'), AdminErrorCode.Unavailable],
    [new RpcError('internal', 'oops'), AdminErrorCode.Unavailable],
    [new errors.RequestError('no responders'), AdminErrorCode.Unavailable],
    [new errors.TimeoutError(), AdminErrorCode.Unavailable],
  ])('maps %s to %s', async (error, expected) => {
    expect(await code(clientFailingWith(error).create('a@example.org', 'pw'))).toBe(expected);
  });

  it('lets other errors through', async () => {
    await expect(clientFailingWith(new TypeError('bug')).exists('a@example.org')).rejects.toThrow(
      TypeError,
    );
  });
});
