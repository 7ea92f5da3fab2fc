import { StanzaError } from '@sotto/xmpp';

export enum InboxErrorCode {
  BadRequest = 'bad-request',
  Forbidden = 'forbidden',
  NotFound = 'not-found',
  NotImplemented = 'not-implemented',
}

/** What can go wrong in the inbox feature; messages never quote a JID or stored content. */
export class InboxException extends Error {
  constructor(
    readonly code: InboxErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'InboxException';
  }
}

/** The one place the feature's errors become stanza errors. */
export function toStanzaError(error: InboxException): StanzaError {
  switch (error.code) {
    case InboxErrorCode.BadRequest:
      return new StanzaError('bad-request', error.message);
    case InboxErrorCode.Forbidden:
      // Only one's own inbox: another account's is neither read nor changed.
      return new StanzaError('forbidden', error.message);
    case InboxErrorCode.NotFound:
      return new StanzaError('item-not-found', error.message);
    case InboxErrorCode.NotImplemented:
      return new StanzaError('feature-not-implemented', error.message);
  }
}
