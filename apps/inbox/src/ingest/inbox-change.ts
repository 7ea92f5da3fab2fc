import type { ChatMessageEvent } from '@sotto/contracts';
import { NS_CLIENT, StreamError, parseFrame, type Element } from '@sotto/xmpp';
import type { ResetMarker } from '../config/inbox.config';

export const NS_CHAT_MARKERS = 'urn:xmpp:chat-markers:0';
const NS_HINTS = 'urn:xmpp:hints';
const MARKERS: readonly string[] = ['received', 'displayed', 'acknowledged'];
// The gateway already bounded what it accepted; these only bound the parser.
const LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 256 };

/** What one accepted message does to the inboxes of its two parties. */
export type InboxChange =
  /** A message the inboxes show: the sender's entry and the recipient's take it as their last. */
  | {
      kind: 'message';
      sender: string;
      recipient: string;
      content: string;
      msgId: string | null;
      stanzaId: string;
      at: Date;
    }
  /** The owner marked `markedId` read: their entry for `remote` is read if that is its last. */
  | { kind: 'marker'; owner: string; remote: string; markedId: string };

/** A change with the position of its event on the bus, which the fold orders and dedupes by. */
export interface PositionedChange {
  /** JetStream stream sequence of the event. */
  seq: number;
  /** The event's id (UUID v7). */
  eventId: string;
  change: InboxChange;
}

/** The event is invalid or its stanza does not parse: it can never be applied. */
export class UnreadableEventError extends Error {
  constructor() {
    super('the accepted message cannot be read');
    this.name = 'UnreadableEventError';
  }
}

/**
 * How an accepted message changes the inboxes, as MongooseIM's mod_inbox decides: a message
 * with a body (or a `store` hint) and no chat marker becomes the conversation's last message; a
 * reset marker from the owner reads the conversation; anything else (chat states, receipts,
 * `no-store` messages) changes nothing.
 * @throws UnreadableEventError
 */
export function inboxChangeOf(
  event: ChatMessageEvent,
  resetMarkers: ReadonlySet<ResetMarker>,
): InboxChange | undefined {
  const stanza = parse(event.stanza);
  const sender = bareOf(event.from);
  const recipient = bareOf(event.to);
  const markers = stanza
    .getChildElements()
    .filter((child) => child.xmlns === NS_CHAT_MARKERS && MARKERS.includes(child.name));
  if (markers.length > 0) {
    const reset = markers.find((marker) => resetMarkers.has(marker.name as ResetMarker));
    const markedId = reset?.attrs.id;
    return markedId === undefined
      ? undefined
      : { kind: 'marker', owner: sender, remote: recipient, markedId };
  }
  if (!isShown(stanza)) {
    return undefined;
  }
  return {
    kind: 'message',
    sender,
    recipient,
    content: event.stanza,
    msgId: stanza.attrs.id ?? null,
    stanzaId: event.id,
    at: new Date(event.acceptedAt),
  };
}

function isShown(stanza: Element): boolean {
  const hinted = (name: string) => stanza.getChild(name, NS_HINTS) !== undefined;
  return (
    (stanza.getChild('body', NS_CLIENT) !== undefined || hinted('store')) && !hinted('no-store')
  );
}

function parse(xml: string): Element {
  try {
    return parseFrame(xml, LIMITS);
  } catch (error) {
    if (error instanceof StreamError) {
      throw new UnreadableEventError();
    }
    throw error;
  }
}

// The gateway prepared both addresses and the contract checked their form: the bare JID is
// what precedes the first slash.
function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}
