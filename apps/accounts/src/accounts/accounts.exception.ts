import { RpcError } from '@sotto/nats';

export enum AccountsErrorCode {
  InvalidJid = 'invalid-jid',
  ForeignDomain = 'foreign-domain',
  AlreadyExists = 'already-exists',
  NotFound = 'not-found',
}

/** What can go wrong in the accounts feature; messages never quote the JID or password. */
export class AccountsException extends Error {
  constructor(
    readonly code: AccountsErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'AccountsException';
  }
}

/** The one place the feature's errors become bus error replies. */
export function toRpcError(error: AccountsException): RpcError {
  switch (error.code) {
    case AccountsErrorCode.InvalidJid:
    case AccountsErrorCode.ForeignDomain:
      return new RpcError('bad-request', error.message);
    case AccountsErrorCode.AlreadyExists:
      return new RpcError('conflict', error.message);
    case AccountsErrorCode.NotFound:
      return new RpcError('not-found', error.message);
  }
}
