/**
 * The JID that hosts nodes: the shared service (`pubsub.<domain>`, XEP-0060) or one account's
 * personal eventing service (its bare JID, XEP-0163).
 */
export interface PubsubHost {
  jid: string;
  pep: boolean;
}
