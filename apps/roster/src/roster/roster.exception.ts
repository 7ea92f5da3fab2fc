import { RpcError } from '@sotto/nats';
import { StanzaError } from '@sotto/xmpp';

export enum RosterErrorCode {
  /** Another user's roster. */
  Forbidden = 'forbidden',
  /** Not the shape RFC 6121 asks for (two items, no jid, a duplicate group, …). */
  Malformed = 'malformed',
  InvalidJid = 'invalid-jid',
  /** A name or group too long, or an empty group. */
  NotAcceptable = 'not-acceptable',
  /** The user's own JID as a contact. */
  OwnJid = 'own-jid',
  RosterFull = 'roster-full',
  ItemNotFound = 'item-not-found',
}

/** What can go wrong in the roster feature; messages never quote a JID, name or group. */
export class RosterException extends Error {
  constructor(
    readonly code: RosterErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'RosterException';
  }
}

/** The one place the feature's errors become XMPP stanza errors (RFC 6121 §2.3.3, §2.5.3). */
export function toStanzaError(error: RosterException): StanzaError {
  switch (error.code) {
    case RosterErrorCode.Forbidden:
      return new StanzaError('forbidden', error.message);
    case RosterErrorCode.Malformed:
      return new StanzaError('bad-request', error.message);
    case RosterErrorCode.InvalidJid:
      return new StanzaError('jid-malformed', error.message);
    case RosterErrorCode.NotAcceptable:
      return new StanzaError('not-acceptable', error.message);
    case RosterErrorCode.OwnJid:
    case RosterErrorCode.RosterFull:
      return new StanzaError('not-allowed', error.message);
    case RosterErrorCode.ItemNotFound:
      return new StanzaError('item-not-found', error.message);
  }
}

/** …and bus error replies, for the presence the gateway hands over. */
export function toRpcError(error: RosterException): RpcError {
  switch (error.code) {
    case RosterErrorCode.Forbidden:
    case RosterErrorCode.OwnJid:
    case RosterErrorCode.RosterFull:
      return new RpcError('forbidden', error.message);
    case RosterErrorCode.ItemNotFound:
      return new RpcError('not-found', error.message);
    case RosterErrorCode.Malformed:
    case RosterErrorCode.InvalidJid:
    case RosterErrorCode.NotAcceptable:
      return new RpcError('bad-request', error.message);
  }
}
