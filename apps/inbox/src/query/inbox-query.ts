import type { Element } from '@sotto/xmpp';
import { BOXES, type Box } from '../inbox/inbox-entry';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';
import type { InboxCursor, InboxFilter } from '../inbox/inbox-filter';
import { submittedFields } from './data-form';
import { parseCursor } from './inbox-cursor';
import { parseRsm } from './rsm';
import { parseDateTime } from './xmpp-datetime';

/** What an inbox query asks for, whichever protocol asked. */
export interface InboxQuery {
  filter: InboxFilter;
  order: 'asc' | 'desc';
  /** Most entries in the page. */
  limit: number;
  /** The page after this entry (in `order`)… */
  after?: InboxCursor;
  /** …or the page before it; null asks for the last page. */
  before?: InboxCursor | null;
}

/**
 * The query of MongooseIM's `<inbox xmlns='erlang-solutions.com:xmpp:inbox:0'/>`: a data form
 * (`start`, `end`, `order`, `hidden_read`, `box`, `archive`) and RSM. `maxLimit` caps the page.
 */
export function eslInboxQuery(payload: Element, maxLimit: number): InboxQuery {
  let start: number | undefined;
  let end: number | undefined;
  let order: InboxQuery['order'] = 'desc';
  let unreadOnly = false;
  let box: Box | 'all' | undefined;
  let archive: Box | undefined;
  for (const [name, values] of submittedFields(payload)) {
    if (values.length > 1) {
      throw invalid(`field=${name} has more than one value`);
    }
    const value = values[0];
    switch (name) {
      case 'start':
        start = parseDateTime(value) ?? fieldError(name, value);
        break;
      case 'end':
        end = parseDateTime(value) ?? fieldError(name, value);
        break;
      case 'order':
        order = value === 'asc' || value === 'desc' ? value : fieldError(name, value);
        break;
      case 'hidden_read':
        unreadOnly = parseBoolean(value) ?? fieldError(name, value);
        break;
      case 'box':
        box = isBox(value) || value === 'all' ? value : fieldError(name, value);
        break;
      case 'archive':
        // Deprecated in favour of `box`, which wins when both are given.
        archive = (parseBoolean(value) ?? fieldError(name, value)) ? 'archive' : 'inbox';
        break;
      default:
        throw invalid(`Unknown inbox form field=${name}, value=${value}`);
    }
  }
  const filter: InboxFilter = { start, end, unreadOnly, box: box ?? archive ?? 'not-bin' };
  return { filter, order, ...page(payload, maxLimit) };
}

/**
 * The query of XEP-0430's `<inbox xmlns='urn:xmpp:inbox:1'/>`: `unread-only`, `messages` (false
 * elides the last messages) and RSM; newest conversations first, the bin left out.
 */
export function xep0430Query(
  payload: Element,
  maxLimit: number,
): { query: InboxQuery; messages: boolean } {
  const unreadOnly = attributeBoolean(payload, 'unread-only', false);
  const messages = attributeBoolean(payload, 'messages', true);
  const filter: InboxFilter = { unreadOnly, box: 'not-bin' };
  return { query: { filter, order: 'desc', ...page(payload, maxLimit) }, messages };
}

export function isBox(value: string): value is Box {
  return (BOXES as readonly string[]).includes(value);
}

/** xs:boolean, as XEP-0004 and attributes use it. */
export function parseBoolean(value: string): boolean | undefined {
  switch (value) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return undefined;
  }
}

function page(payload: Element, maxLimit: number): Pick<InboxQuery, 'limit' | 'after' | 'before'> {
  const rsm = parseRsm(payload);
  const limit = Math.min(rsm?.max ?? maxLimit, maxLimit);
  if (rsm?.before !== undefined) {
    return { limit, before: rsm.before === '' ? null : cursor(rsm.before) };
  }
  return { limit, after: rsm?.after === undefined ? undefined : cursor(rsm.after) };
}

function cursor(id: string): InboxCursor {
  const parsed = parseCursor(id);
  if (parsed === undefined) {
    throw invalid('unknown RSM id');
  }
  return parsed;
}

function attributeBoolean(element: Element, name: string, fallback: boolean): boolean {
  const value = element.attrs[name];
  if (value === undefined) {
    return fallback;
  }
  const parsed = parseBoolean(value);
  if (parsed === undefined) {
    throw invalid(`${name} must be true or false`);
  }
  return parsed;
}

// MongooseIM's wording; the value is the client's own input, sent back to it alone.
function fieldError(name: string, value: string): never {
  throw invalid(`Invalid inbox form field value, field=${name}, value=${value}`);
}

function invalid(message: string): InboxException {
  return new InboxException(InboxErrorCode.BadRequest, message);
}
