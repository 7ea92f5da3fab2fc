import type { Element } from '@sotto/xmpp';
import { ArchiveErrorCode, ArchiveException } from '../archive/archive.exception';
import { NS_DATA_FORMS, NS_RSM } from '../archive/namespaces';
import type { ArchiveQuery } from './archive-query';
import { parseQueryForm } from './query-form';
import { parsePageRequest } from './rsm';

// The queryid is echoed in every result message; a bound keeps a page within one bus message.
const MAX_QUERY_ID_LENGTH = 256;

/** Reads a `<query xmlns='urn:xmpp:mam:2'/>` of type set: its form, its page and flip-page. */
export function parseQuery(query: Element): ArchiveQuery {
  if (query.attrs.node !== undefined) {
    // Nodes name pubsub archives (XEP-0442); a user archive has none.
    throw new ArchiveException(ArchiveErrorCode.NotFound, 'a user archive has no nodes');
  }
  const queryId = query.attrs.queryid;
  if (queryId !== undefined && queryId.length > MAX_QUERY_ID_LENGTH) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, 'queryid is too long');
  }
  const forms = query.getChildren('x', NS_DATA_FORMS);
  const sets = query.getChildren('set', NS_RSM);
  if (forms.length > 1 || sets.length > 1) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, 'one form and one set at most');
  }
  return {
    ...(queryId === undefined ? {} : { queryId }),
    filter: parseQueryForm(forms[0]),
    page: parsePageRequest(sets[0]),
    flip: query.getChild('flip-page') !== undefined,
  };
}
