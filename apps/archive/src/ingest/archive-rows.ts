import type { ChatMessageEvent } from '@sotto/contracts';
import { Jid, JidError, NS_CLIENT, StreamError, parseFrame, type Element } from '@sotto/xmpp';
import type { ArchiveRow } from '../archive/archive-row';
import { NS_HINTS } from '../archive/namespaces';

// The event's stanza passed the gateway's limits; these only guard the parse.
const EVENT_LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 128 };

/** An event the gateway could not have sent: archiving it would fail the same way every time. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * The rows an accepted message adds: one in the sender's archive and one in the recipient's,
 * sharing the event id; one only for a message to oneself; none for a message without a body
 * (markers, chat states, receipts: XEP-0313 §6.1.1) or one asking not to be stored (XEP-0334).
 */
export function archiveRows(event: ChatMessageEvent): ArchiveRow[] {
  const message = parse(event.stanza);
  if (!isArchivable(message)) {
    return [];
  }
  const sender = jid(event.from);
  const recipient = jid(event.to);
  const common = { id: event.id, sentAt: new Date(event.acceptedAt), stanza: event.stanza };
  const outgoing: ArchiveRow = {
    ...common,
    ownerJid: sender.bareString(),
    withJid: recipient.bareString(),
    withResource: recipient.resource ?? null,
    direction: 'out',
  };
  if (sender.bare().equals(recipient.bare())) {
    return [outgoing];
  }
  const incoming: ArchiveRow = {
    ...common,
    ownerJid: recipient.bareString(),
    withJid: sender.bareString(),
    withResource: sender.resource ?? null,
    direction: 'in',
  };
  return [outgoing, incoming];
}

function isArchivable(message: Element): boolean {
  if (message.getChild('body', NS_CLIENT) === undefined) {
    return false;
  }
  return (
    message.getChild('no-store', NS_HINTS) === undefined &&
    message.getChild('no-permanent-store', NS_HINTS) === undefined
  );
}

function parse(stanza: string): Element {
  try {
    const element = parseFrame(stanza, EVENT_LIMITS);
    if (element.name !== 'message') {
      throw new InvalidEventError('the stanza is not a message');
    }
    return element;
  } catch (error) {
    if (error instanceof StreamError) {
      throw new InvalidEventError('the stanza does not parse');
    }
    throw error;
  }
}

function jid(value: string): Jid {
  try {
    return Jid.parse(value);
  } catch (error) {
    if (error instanceof JidError) {
      throw new InvalidEventError('an address does not prepare');
    }
    throw error;
  }
}
