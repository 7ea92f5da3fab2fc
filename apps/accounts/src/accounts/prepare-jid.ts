import { Jid, JidError } from '@sotto/xmpp';
import { AccountsErrorCode, AccountsException } from './accounts.exception';

/** Prepares a bare JID (RFC 7622) the way accounts are stored; throws `InvalidJid` otherwise. */
export function prepareBareJid(jid: string): Jid {
  let prepared: Jid;
  try {
    prepared = Jid.parse(jid);
  } catch (error) {
    if (error instanceof JidError) {
      throw new AccountsException(AccountsErrorCode.InvalidJid, `invalid JID: ${error.message}`);
    }
    throw error;
  }
  if (prepared.local === undefined || !prepared.isBare()) {
    throw new AccountsException(AccountsErrorCode.InvalidJid, 'expected a bare JID local@domain');
  }
  return prepared;
}
