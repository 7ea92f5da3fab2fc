import { Jid, JidError } from '@sotto/xmpp';

/**
 * The subject as the table stores owners (a prepared bare JID), or null when it does not
 * prepare: such a subject owns nothing here, and failing would only have the request
 * redelivered for ever.
 */
export function preparedSubject(subject: string): string | null {
  try {
    const jid = Jid.parse(subject);
    return jid.local !== undefined && jid.isBare() ? jid.bareString() : null;
  } catch (error) {
    if (error instanceof JidError) {
      return null;
    }
    throw error;
  }
}
