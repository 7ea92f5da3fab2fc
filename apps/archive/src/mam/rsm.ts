import { xml, type Element } from '@sotto/xmpp';
import { ArchiveErrorCode, ArchiveException } from '../archive/archive.exception';
import { NS_RSM } from '../archive/namespaces';
import { archiveId, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from './archive-query';

/**
 * The page a query's XEP-0059 `<set/>` asks for. `max` above the cap is lowered to it (XEP-0313
 * §4.3.1 lets the server limit pages); an empty `<before/>` asks for the last page.
 */
export function parsePageRequest(set: Element | undefined): PageRequest {
  if (set === undefined) {
    return { max: DEFAULT_PAGE_SIZE, direction: 'forward' };
  }
  if (set.getChild('index') !== undefined) {
    throw new ArchiveException(ArchiveErrorCode.Unsupported, 'paging by index is not supported');
  }
  const max = pageSize(set.getChildText('max'));
  const after = set.getChild('after');
  const before = set.getChild('before');
  if (after !== undefined && before !== undefined) {
    // XEP-0313 §4.3.2 leaves both together undefined; before-id and after-id do that job.
    throw new ArchiveException(ArchiveErrorCode.BadRequest, 'use either after or before');
  }
  if (after !== undefined) {
    const text = after.text().trim();
    if (text === '') {
      throw new ArchiveException(ArchiveErrorCode.BadRequest, 'after needs an id');
    }
    return { max, direction: 'forward', cursor: pagingId(text) };
  }
  if (before !== undefined) {
    const text = before.text().trim();
    return text === ''
      ? { max, direction: 'backward' }
      : { max, direction: 'backward', cursor: pagingId(text) };
  }
  return { max, direction: 'forward' };
}

/** The `<set/>` of a `<fin/>`: first and last id of the page (in archive order) and the count. */
export function resultSet(
  first: string | undefined,
  last: string | undefined,
  count: number,
): Element {
  return xml(
    'set',
    { xmlns: NS_RSM },
    first !== undefined && xml('first', {}, first),
    last !== undefined && xml('last', {}, last),
    xml('count', {}, String(count)),
  );
}

function pageSize(text: string | undefined): number {
  if (text === undefined) {
    return DEFAULT_PAGE_SIZE;
  }
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, 'max must be a non-negative integer');
  }
  return Math.min(Number(text.trim()), MAX_PAGE_SIZE);
}

// XEP-0313 §4.3.2: an id in <after/> or <before/> that is not in the archive is item-not-found.
function pagingId(text: string): string {
  const id = archiveId(text);
  if (id === undefined) {
    throw new ArchiveException(ArchiveErrorCode.NotFound, 'no such message in the archive');
  }
  return id;
}
