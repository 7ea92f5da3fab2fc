import { StanzaError } from '@sotto/xmpp';

export enum ArchiveErrorCode {
  BadRequest = 'bad-request',
  Forbidden = 'forbidden',
  NotFound = 'not-found',
  Unsupported = 'unsupported',
}

/** What can go wrong in an archive request; messages never quote a JID, id or message. */
export class ArchiveException extends Error {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'ArchiveException';
  }
}

/** The one place the feature's errors become stanza errors. */
export function toStanzaError(error: ArchiveException): StanzaError {
  switch (error.code) {
    case ArchiveErrorCode.BadRequest:
      return new StanzaError('bad-request', error.message);
    case ArchiveErrorCode.Forbidden:
      // XEP-0313 §7.1: another entity's archive.
      return new StanzaError('forbidden', error.message);
    case ArchiveErrorCode.NotFound:
      // XEP-0313 §4.1.1 and §4.3.2: an id in before-id, after-id, ids, <after> or <before> that
      // the archive does not hold.
      return new StanzaError('item-not-found', error.message);
    case ArchiveErrorCode.Unsupported:
      // XEP-0313 §4.1.5: a form field the server does not know; also RSM <index/>.
      return new StanzaError('feature-not-implemented', error.message);
  }
}

/** Runs `work`, turning an `ArchiveException` into its stanza error. */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ArchiveException ? toStanzaError(error) : error;
  }
}
