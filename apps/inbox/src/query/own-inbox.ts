import type { Jid } from '@sotto/xmpp';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';

/**
 * The owner of the inbox an IQ is about: the requester's own, whether it was addressed to the
 * server or to their bare JID. Another account's inbox is refused.
 */
export function ownInbox(from: Jid, to: Jid | undefined): string {
  const owner = from.bare();
  if (to !== undefined && !to.bare().equals(owner)) {
    throw new InboxException(InboxErrorCode.Forbidden, 'only the own inbox can be queried');
  }
  return owner.bareString();
}
