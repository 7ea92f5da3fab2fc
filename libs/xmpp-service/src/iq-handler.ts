import type { Element, Jid } from '@sotto/xmpp';

/** One IQ as a feature service sees it: parsed once, addresses prepared. */
export interface IqContext {
  /** The whole IQ (`from` stamped by the gateway). */
  readonly iq: Element;
  /** Its single child element. */
  readonly payload: Element;
  /** The sender's full JID. */
  readonly from: Jid;
  /**
   * The addressee: undefined for the server itself, else an account's bare JID, or the
   * component's JID (`<subdomain>.<domain>`, maybe with a local part) when `component` is set.
   */
  readonly to: Jid | undefined;
  /** The sub-domain label (e.g. `pubsub`) when the IQ is addressed to one this service is. */
  readonly component?: string;
  /** Sends the requester a stanza ahead of the IQ's answer (e.g. archive query results). */
  emit(stanza: Element): void;
}

/**
 * Serves the IQs of one payload namespace. Return the result's child (or nothing for an empty
 * result); throw `StanzaError` for an error reply. A missing method means `service-unavailable`.
 */
export interface IqHandler {
  readonly namespace: string;
  get?(context: IqContext): Promise<Element | undefined>;
  set?(context: IqContext): Promise<Element | undefined>;
}
