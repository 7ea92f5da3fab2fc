import { Jid, JidError, xml, type Element } from '@sotto/xmpp';
import { ArchiveErrorCode, ArchiveException } from '../archive/archive.exception';
import { NS_DATA_FORMS, NS_DATA_VALIDATE, NS_MAM } from '../archive/namespaces';
import { archiveId, type ArchiveFilter, type WithFilter } from './archive-query';
import { parseDateTime } from './xmpp-datetime';

/** Most ids one 'ids' field may list: a page never holds more. */
const MAX_IDS = 100;

/** The form a client gets when it asks which fields queries support (XEP-0313 §4.1.5). */
export function queryForm(): Element {
  return xml(
    'x',
    { xmlns: NS_DATA_FORMS, type: 'form' },
    xml('field', { type: 'hidden', var: 'FORM_TYPE' }, xml('value', {}, NS_MAM)),
    xml('field', { type: 'jid-single', var: 'with' }),
    xml('field', { type: 'text-single', var: 'start' }),
    xml('field', { type: 'text-single', var: 'end' }),
    xml('field', { type: 'text-single', var: 'before-id' }),
    xml('field', { type: 'text-single', var: 'after-id' }),
    // The list is open: the server never lists every id (XEP-0313 §4.1.5).
    xml(
      'field',
      { type: 'list-multi', var: 'ids' },
      xml('validate', { xmlns: NS_DATA_VALIDATE, datatype: 'xs:string' }, xml('open')),
    ),
  );
}

/** The filters of a submitted query form; no form means no filter. */
export function parseQueryForm(form: Element | undefined): ArchiveFilter {
  if (form === undefined) {
    return {};
  }
  const type = form.attrs.type ?? 'submit';
  if (type !== 'submit') {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, 'the query form must be submitted');
  }
  const fields = fieldValues(form);
  const formType = single(fields, 'FORM_TYPE');
  if (formType !== undefined && formType !== NS_MAM) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, `FORM_TYPE must be ${NS_MAM}`);
  }
  for (const name of fields.keys()) {
    if (!KNOWN_FIELDS.has(name)) {
      // XEP-0313 §4.1.5: an unknown field is feature-not-implemented.
      throw new ArchiveException(ArchiveErrorCode.Unsupported, `unknown field ${name}`);
    }
  }
  const filter: ArchiveFilter = {};
  const withValue = single(fields, 'with');
  if (withValue !== undefined) {
    filter.with = withFilter(withValue);
  }
  const start = single(fields, 'start');
  if (start !== undefined) {
    filter.start = dateTime(start, 'start', 'up');
  }
  const end = single(fields, 'end');
  if (end !== undefined) {
    filter.end = dateTime(end, 'end', 'down');
  }
  const afterId = single(fields, 'after-id');
  if (afterId !== undefined) {
    filter.afterId = knownId(afterId);
  }
  const beforeId = single(fields, 'before-id');
  if (beforeId !== undefined) {
    filter.beforeId = knownId(beforeId);
  }
  const ids = (fields.get('ids') ?? []).filter((value) => value.trim() !== '');
  if (ids.length > MAX_IDS) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, `at most ${MAX_IDS} ids`);
  }
  if (ids.length > 0) {
    filter.ids = [...new Set(ids.map(knownId))];
  }
  return filter;
}

const KNOWN_FIELDS = new Set(['FORM_TYPE', 'with', 'start', 'end', 'after-id', 'before-id', 'ids']);

function fieldValues(form: Element): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const field of form.getChildren('field')) {
    const name = field.attrs.var;
    if (name === undefined) {
      throw new ArchiveException(ArchiveErrorCode.BadRequest, 'a form field without a var');
    }
    if (fields.has(name)) {
      throw new ArchiveException(ArchiveErrorCode.BadRequest, `field ${name} given twice`);
    }
    fields.set(
      name,
      field.getChildren('value').map((value) => value.text()),
    );
  }
  return fields;
}

// A single-valued field; an empty one counts as absent (some clients send every field).
function single(fields: Map<string, string[]>, name: string): string | undefined {
  const values = (fields.get(name) ?? []).filter((value) => value.trim() !== '');
  if (values.length > 1) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, `field ${name} takes one value`);
  }
  return values[0]?.trim();
}

function withFilter(value: string): WithFilter {
  let jid: Jid;
  try {
    jid = Jid.parse(value);
  } catch (error) {
    if (error instanceof JidError) {
      throw new ArchiveException(ArchiveErrorCode.BadRequest, 'with is not a JID');
    }
    throw error;
  }
  return jid.resource === undefined
    ? { bare: jid.bareString() }
    : { bare: jid.bareString(), resource: jid.resource };
}

function dateTime(value: string, name: string, rounding: 'up' | 'down'): Date {
  const date = parseDateTime(value, rounding);
  if (date === undefined) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, `${name} is not an XEP-0082 DateTime`);
  }
  return date;
}

// An id that cannot be one of ours is not in the archive (XEP-0313 §4.1.1: item-not-found).
function knownId(value: string): string {
  const id = archiveId(value);
  if (id === undefined) {
    throw new ArchiveException(ArchiveErrorCode.NotFound, 'no such message in the archive');
  }
  return id;
}
