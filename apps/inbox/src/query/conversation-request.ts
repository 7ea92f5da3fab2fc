import { Jid, JidError, type Element } from '@sotto/xmpp';
import type { Box } from '../inbox/inbox-entry';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';
import { isBox, parseBoolean } from './inbox-query';

/** What a `#conversation` set asks to change (MongooseIM's entry properties). */
export interface PropertyRequest {
  box?: Box;
  /** Seconds from now; 0 unmutes. */
  muteSeconds?: number;
  read?: boolean;
}

/** The conversation's JID from the `jid` attribute, as a prepared bare JID. */
export function conversationJid(element: Element): string {
  const value = element.attrs.jid;
  if (value === undefined) {
    throw new InboxException(InboxErrorCode.BadRequest, 'jid-required');
  }
  try {
    const jid = Jid.parse(value);
    if (jid.local === undefined) {
      throw new JidError('no localpart');
    }
    return jid.bareString();
  } catch (error) {
    if (error instanceof JidError) {
      throw new InboxException(InboxErrorCode.BadRequest, 'invalid-jid');
    }
    throw error;
  }
}

/** The properties a `<query jid='…'><box>archive</box>…</query>` sets. */
export function propertyRequest(query: Element): PropertyRequest {
  const request: PropertyRequest = {};
  let archive: Box | undefined;
  const properties = query.getChildElements();
  if (properties.length === 0) {
    invalid('no-property');
  }
  for (const property of properties) {
    const value = property.text().trim();
    switch (property.name) {
      case 'box':
        request.box = isBox(value) ? value : invalid('invalid-box');
        break;
      case 'archive':
        archive = (parseBoolean(value) ?? invalid('bad-request')) ? 'archive' : 'inbox';
        break;
      case 'read':
        request.read = parseBoolean(value) ?? invalid('bad-request');
        break;
      case 'mute':
        request.muteSeconds = /^\d{1,10}$/.test(value) ? Number(value) : invalid('bad-request');
        break;
      default:
        invalid('bad-request');
    }
  }
  // As in the query form: `box` wins over the deprecated `archive`.
  request.box ??= archive;
  return request;
}

function invalid(message: string): never {
  throw new InboxException(InboxErrorCode.BadRequest, message);
}
