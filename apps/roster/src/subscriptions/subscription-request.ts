import { Jid, JidError, NS_CLIENT, StreamError, parseFrame } from '@sotto/xmpp';
import type { Element } from '@sotto/xmpp';
import { RosterErrorCode, RosterException } from '../roster/roster.exception';
import { SUBSCRIPTION_PRESENCES, type SubscriptionPresence } from './subscription-state';

// The gateway enforced its own limits already; these only guard against a peer that does not.
const LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 128 };

/** A subscription presence a user sent, checked. */
export interface SubscriptionRequest {
  /** The sender's bare JID. */
  readonly user: string;
  /** The contact's bare JID (RFC 6121 §3.1.1: subscriptions are between bare JIDs). */
  readonly contact: string;
  readonly type: SubscriptionPresence;
  readonly presence: Element;
}

/** Parses what the gateway handed over; throws `RosterException(Malformed)` otherwise. */
export function parseSubscriptionRequest(
  from: string,
  stanza: string,
  domain: string,
): SubscriptionRequest {
  let presence: Element;
  try {
    presence = parseFrame(stanza, LIMITS);
  } catch (error) {
    if (error instanceof StreamError) {
      throw new RosterException(RosterErrorCode.Malformed, 'not a well-formed stanza');
    }
    throw error;
  }
  const type = presence.attrs.type as SubscriptionPresence;
  if (presence.name !== 'presence' || presence.xmlns !== NS_CLIENT) {
    throw new RosterException(RosterErrorCode.Malformed, 'not a presence stanza');
  }
  if (!SUBSCRIPTION_PRESENCES.includes(type)) {
    throw new RosterException(RosterErrorCode.Malformed, 'not a subscription presence');
  }
  if (presence.attrs.from !== from) {
    throw new RosterException(RosterErrorCode.Malformed, 'from does not match the sender');
  }
  const user = bareAccount(from);
  const contact = bareAccount(presence.attrs.to);
  if (Jid.parse(contact).domain !== domain || Jid.parse(user).domain !== domain) {
    throw new RosterException(RosterErrorCode.Malformed, 'no contact outside this domain');
  }
  return { user, contact, type, presence };
}

/** The prepared bare JID of an account address; throws `RosterException` otherwise. */
export function bareAccount(jid: string | undefined): string {
  try {
    const parsed = jid === undefined ? undefined : Jid.parse(jid);
    if (parsed?.local === undefined) {
      throw new RosterException(RosterErrorCode.Malformed, 'expected an account address');
    }
    return parsed.bareString();
  } catch (error) {
    if (error instanceof JidError) {
      throw new RosterException(RosterErrorCode.InvalidJid, 'invalid address');
    }
    throw error;
  }
}
