import { StanzaError } from '@sotto/xmpp';

export enum PrivateStorageErrorCode {
  BadRequest = 'bad-request',
  Forbidden = 'forbidden',
  ReservedNamespace = 'reserved-namespace',
  TooLarge = 'too-large',
}

/** What can go wrong in private storage; messages never quote a JID or stored content. */
export class PrivateStorageException extends Error {
  constructor(
    readonly code: PrivateStorageErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'PrivateStorageException';
  }
}

/** The one place the feature's errors become stanza errors (XEP-0049 §3). */
export function toStanzaError(error: PrivateStorageException): StanzaError {
  switch (error.code) {
    case PrivateStorageErrorCode.BadRequest:
      return new StanzaError('bad-request', error.message);
    case PrivateStorageErrorCode.Forbidden:
      return new StanzaError('forbidden', error.message);
    case PrivateStorageErrorCode.ReservedNamespace:
      return new StanzaError('not-acceptable', error.message);
    case PrivateStorageErrorCode.TooLarge:
      // XEP-0049 names no size limit. Our policy: refuse the whole set with not-acceptable
      // (RFC 6120 §8.3.3.12, "does not meet criteria defined by the server"), type modify.
      return new StanzaError('not-acceptable', error.message);
  }
}
