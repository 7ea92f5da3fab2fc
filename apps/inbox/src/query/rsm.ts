import { xml, type Element } from '@sotto/xmpp';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';

export const NS_RSM = 'http://jabber.org/protocol/rsm';

/** A XEP-0059 request: `before` is '' for the last page. */
export interface RsmRequest {
  max?: number;
  after?: string;
  before?: string;
}

/** The `<set/>` among `parent`'s children, if any. */
export function parseRsm(parent: Element): RsmRequest | undefined {
  const set = parent.getChild('set', NS_RSM);
  if (set === undefined) {
    return undefined;
  }
  if (set.getChild('index') !== undefined) {
    // XEP-0059 §2.6 pages out of order; MongooseIM's inbox does not either.
    throw new InboxException(InboxErrorCode.NotImplemented, 'inbox pages have no index');
  }
  const maxText = set.getChildText('max');
  if (maxText !== undefined && !/^\d{1,9}$/.test(maxText.trim())) {
    throw new InboxException(InboxErrorCode.BadRequest, 'max must be a non-negative integer');
  }
  const after = set.getChildText('after');
  const before = set.getChildText('before');
  if (after !== undefined && before !== undefined) {
    throw new InboxException(InboxErrorCode.BadRequest, 'a page is either after or before');
  }
  return {
    max: maxText === undefined ? undefined : Number(maxText.trim()),
    after: after === '' ? undefined : after,
    before,
  };
}

/** The `<set/>` of a result page (XEP-0059 §2). */
export function rsmResult(
  first: string | undefined,
  last: string | undefined,
  count?: number,
): Element {
  return xml(
    'set',
    { xmlns: NS_RSM },
    first === undefined ? undefined : xml('first', {}, first),
    last === undefined ? undefined : xml('last', {}, last),
    count === undefined ? undefined : xml('count', {}, String(count)),
  );
}
