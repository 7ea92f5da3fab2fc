import { StanzaError, xml, type Element, type StanzaErrorCondition } from '@sotto/xmpp';
import type { StanzaErrorType } from '@sotto/xmpp';
import { NS_PUBSUB_ERRORS } from './namespaces';

/** What can go wrong in PubSub; each maps to one row of XEP-0060's error tables. */
export enum PubsubErrorCode {
  BadRequest = 'bad-request',
  NodeNotFound = 'node-not-found',
  ItemNotFound = 'item-not-found',
  Forbidden = 'forbidden',
  NodeExists = 'node-exists',
  NodeIdRequired = 'nodeid-required',
  InvalidJid = 'invalid-jid',
  JidRequired = 'jid-required',
  PresenceSubscriptionRequired = 'presence-subscription-required',
  NotInRosterGroup = 'not-in-roster-group',
  ClosedNode = 'closed-node',
  /** An unsubscribe for a JID that is not subscribed (§6.2.3.2). */
  NotSubscribed = 'not-subscribed',
  /** Subscription options of a JID that is not subscribed (§6.3.4.2). */
  OptionsNotSubscribed = 'options-not-subscribed',
  InvalidSubid = 'invalid-subid',
  InvalidOptions = 'invalid-options',
  PayloadTooBig = 'payload-too-big',
  InvalidPayload = 'invalid-payload',
  ItemRequired = 'item-required',
  PayloadRequired = 'payload-required',
  ItemForbidden = 'item-forbidden',
  PreconditionNotMet = 'precondition-not-met',
  /** A configuration or affiliation change the service cannot take (§8.2.5.2, §8.9.2.4). */
  NotAcceptable = 'not-acceptable',
  UnsupportedAccessModel = 'unsupported-access-model',
  /** A feature of XEP-0060 this service or node does not offer; `feature` names it. */
  Unsupported = 'unsupported',
  /** Not a PubSub service: an IQ to the server itself, or to a JID under the sub-domain. */
  ServiceUnavailable = 'service-unavailable',
}

/** A PubSub failure; messages never quote a JID, node name or payload. */
export class PubsubException extends Error {
  constructor(
    readonly code: PubsubErrorCode,
    message: string = code,
    /** For `Unsupported`: the XEP-0060 feature name (e.g. `persistent-items`). */
    readonly feature?: string,
  ) {
    super(message);
    this.name = 'PubsubException';
  }
}

/** A stanza error with XEP-0060's application-specific condition after the defined one. */
export class PubsubStanzaError extends StanzaError {
  constructor(
    condition: StanzaErrorCondition,
    type: StanzaErrorType,
    private readonly pubsubCondition: string | undefined,
    private readonly feature: string | undefined,
    text: string | undefined,
  ) {
    super(condition, text, type);
  }

  override toElement(): Element {
    const element = super.toElement();
    if (this.pubsubCondition !== undefined) {
      element.append(xml(this.pubsubCondition, { xmlns: NS_PUBSUB_ERRORS, feature: this.feature }));
    }
    return element;
  }
}

type Row = [StanzaErrorCondition, StanzaErrorType, string?];

// The condition, type and pubsub#errors element XEP-0060 gives each case (section in comments).
const TABLE: Record<PubsubErrorCode, Row> = {
  [PubsubErrorCode.BadRequest]: ['bad-request', 'modify'],
  [PubsubErrorCode.NodeNotFound]: ['item-not-found', 'cancel'], // 6.1.3.12 and others
  [PubsubErrorCode.ItemNotFound]: ['item-not-found', 'cancel'], // 7.2.3.2
  [PubsubErrorCode.Forbidden]: ['forbidden', 'auth'], // 6.1.3.8, 7.1.3.1, 8.2.3.2, …
  [PubsubErrorCode.NodeExists]: ['conflict', 'cancel'], // 8.1.1
  [PubsubErrorCode.NodeIdRequired]: ['bad-request', 'modify', 'nodeid-required'], // 7.2.3.3
  [PubsubErrorCode.InvalidJid]: ['bad-request', 'modify', 'invalid-jid'], // 6.1.3.1
  [PubsubErrorCode.JidRequired]: ['bad-request', 'modify', 'jid-required'], // 6.3.4.3
  [PubsubErrorCode.PresenceSubscriptionRequired]: [
    'not-authorized',
    'auth',
    'presence-subscription-required',
  ], // 6.1.3.2, 6.5.9.7
  [PubsubErrorCode.NotInRosterGroup]: ['not-authorized', 'auth', 'not-in-roster-group'], // 6.1.3.3
  [PubsubErrorCode.ClosedNode]: ['not-allowed', 'cancel', 'closed-node'], // 6.1.3.4, 6.5.9.9
  [PubsubErrorCode.NotSubscribed]: ['unexpected-request', 'cancel', 'not-subscribed'], // 6.2.3.2
  [PubsubErrorCode.OptionsNotSubscribed]: ['unexpected-request', 'modify', 'not-subscribed'], // 6.3.4.2
  [PubsubErrorCode.InvalidSubid]: ['not-acceptable', 'modify', 'invalid-subid'], // 6.2.3.5
  [PubsubErrorCode.InvalidOptions]: ['bad-request', 'modify', 'invalid-options'], // 6.3.5
  [PubsubErrorCode.PayloadTooBig]: ['not-acceptable', 'modify', 'payload-too-big'], // 7.1.3.4
  [PubsubErrorCode.InvalidPayload]: ['bad-request', 'modify', 'invalid-payload'], // 7.1.3.5
  [PubsubErrorCode.ItemRequired]: ['bad-request', 'modify', 'item-required'], // 7.1.3.6
  [PubsubErrorCode.PayloadRequired]: ['bad-request', 'modify', 'payload-required'], // 7.1.3.6
  [PubsubErrorCode.ItemForbidden]: ['bad-request', 'modify', 'item-forbidden'], // 7.1.3.6
  [PubsubErrorCode.PreconditionNotMet]: ['conflict', 'cancel', 'precondition-not-met'], // 7.1.5
  [PubsubErrorCode.NotAcceptable]: ['not-acceptable', 'modify'], // 8.2.5.2, 8.9.2.4
  [PubsubErrorCode.UnsupportedAccessModel]: [
    'not-acceptable',
    'modify',
    'unsupported-access-model',
  ], // 8.1.2
  [PubsubErrorCode.Unsupported]: ['feature-not-implemented', 'cancel', 'unsupported'],
  [PubsubErrorCode.ServiceUnavailable]: ['service-unavailable', 'cancel'],
};

/** The one place PubSub failures become stanza errors. */
export function toStanzaError(error: PubsubException): StanzaError {
  const [condition, type, pubsubCondition] = TABLE[error.code];
  const text = error.message === String(error.code) ? undefined : error.message;
  return new PubsubStanzaError(condition, type, pubsubCondition, error.feature, text);
}

/** Runs `work`, turning a `PubsubException` into its stanza error. */
export async function asStanzaErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof PubsubException ? toStanzaError(error) : error;
  }
}
