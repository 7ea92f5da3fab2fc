export enum AdminErrorCode {
  Invalid = 'invalid',
  NotFound = 'not-found',
  Conflict = 'conflict',
  NotReady = 'not-ready',
  Unavailable = 'unavailable',
}

/**
 * What an admin call can fail with, mapped to HTTP and gRPC statuses by each transport in one
 * place. Messages are shown to the operator and never quote a JID or a password.
 */
export class AdminException extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminException';
  }
}
