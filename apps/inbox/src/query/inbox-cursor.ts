import type { InboxEntry } from '../inbox/inbox-entry';
import type { InboxCursor } from '../inbox/inbox-filter';
import { dateToMicros } from './xmpp-datetime';

/** MongooseIM's RSM id of an entry: `<µs since the epoch>/<base64 of the remote JID>`. */
export function cursorOf(entry: InboxEntry): string {
  return `${dateToMicros(entry.lastAt)}/${Buffer.from(entry.remoteJid, 'utf8').toString('base64')}`;
}

/** The position an RSM id names, or undefined when it is not one of ours. */
export function parseCursor(id: string): InboxCursor | undefined {
  const match = /^(\d{1,16})\/([A-Za-z0-9+/]+={0,2})$/.exec(id);
  if (match === null) {
    return undefined;
  }
  const jid = Buffer.from(match[2], 'base64').toString('utf8');
  return jid === '' ? undefined : { at: Number(match[1]), jid };
}
