import { StanzaError } from '@sotto/xmpp';

export enum VcardErrorCode {
  BadRequest = 'bad-request',
  Forbidden = 'forbidden',
  NotFound = 'not-found',
  TooLarge = 'too-large',
}

/** What can go wrong in the vCard feature; messages never quote a JID or vCard content. */
export class VcardException extends Error {
  constructor(
    readonly code: VcardErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'VcardException';
  }
}

/** The one place the feature's errors become stanza errors. */
export function toStanzaError(error: VcardException): StanzaError {
  switch (error.code) {
    case VcardErrorCode.BadRequest:
      return new StanzaError('bad-request', error.message);
    case VcardErrorCode.Forbidden:
      return new StanzaError('forbidden', error.message);
    case VcardErrorCode.NotFound:
      // XEP-0054 §3.3 (another user's vCard): service-unavailable, the gateway's answer for an
      // unknown user too, so that no vCard and no account look alike.
      return new StanzaError('service-unavailable', error.message);
    case VcardErrorCode.TooLarge:
      // XEP-0054 names no error for an oversized vCard. Our policy: refuse it whole with
      // not-acceptable (RFC 6120 §8.3.3.12, "does not meet criteria defined by the server"),
      // type modify, so the client knows a smaller vCard (a smaller photo) would be taken.
      return new StanzaError('not-acceptable', error.message);
  }
}
