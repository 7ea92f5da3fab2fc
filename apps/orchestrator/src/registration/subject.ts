import { Jid, JidError } from '@sotto/xmpp';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';

/** Parses and prepares an account JID given by the operator: bare, with a localpart. */
export function parseAccountJid(input: string): Jid {
  let jid: Jid;
  try {
    jid = Jid.parse(input);
  } catch (error) {
    if (error instanceof JidError) {
      throw new AdminException(AdminErrorCode.Invalid, `invalid JID: ${error.message}`);
    }
    throw error;
  }
  if (jid.local === undefined || !jid.isBare()) {
    throw new AdminException(AdminErrorCode.Invalid, 'expected a bare JID user@domain');
  }
  return jid;
}
