import { xml, type Element } from '@sotto/xmpp';
import { NS_DATA_FORMS } from '../pubsub/namespaces';

// Bounds on what one submitted form may carry; the forms of XEP-0060 are far smaller.
const MAX_FIELDS = 64;
const MAX_VALUES = 256;
const MAX_VALUE_LENGTH = 4096;

/** A form that cannot be read as XEP-0004 says; the message names the problem, never a value. */
export class FormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

/** A data form as its recipient reads it (XEP-0004 §3): its type, FORM_TYPE and field values. */
export interface SubmittedForm {
  type: 'form' | 'submit' | 'cancel' | 'result';
  formType: string | undefined;
  /** Values by field `var`, FORM_TYPE left out. */
  fields: Map<string, string[]>;
}

/** The `<x xmlns='jabber:x:data'/>` child of `parent`, if any. */
export function findForm(parent: Element): Element | undefined {
  return parent.getChild('x', NS_DATA_FORMS);
}

/** Reads a data form; throws `FormError` when it is not one. */
export function parseForm(x: Element): SubmittedForm {
  const type = x.attrs.type;
  if (type !== 'form' && type !== 'submit' && type !== 'cancel' && type !== 'result') {
    throw new FormError('a data form has a type of form, submit, cancel or result');
  }
  const fields = new Map<string, string[]>();
  let formType: string | undefined;
  const elements = x.getChildren('field', NS_DATA_FORMS);
  if (elements.length > MAX_FIELDS) {
    throw new FormError(`a form has at most ${MAX_FIELDS} fields here`);
  }
  for (const field of elements) {
    const name = field.attrs.var;
    if (name === undefined) {
      // Only fixed fields go without a var, and they carry nothing to submit.
      continue;
    }
    if (fields.has(name) || (name === 'FORM_TYPE' && formType !== undefined)) {
      throw new FormError('a field appears twice');
    }
    const values = field.getChildren('value').map((value) => value.text());
    if (values.length > MAX_VALUES || values.some((v) => v.length > MAX_VALUE_LENGTH)) {
      throw new FormError('a field has too many or too long values');
    }
    if (name === 'FORM_TYPE') {
      formType = values[0];
    } else {
      fields.set(name, values);
    }
  }
  return { type, formType, fields };
}

/** One field of a form the service sends. */
export interface FieldView {
  var: string;
  type?: string;
  label?: string;
  values: string[];
  options?: readonly string[];
}

/** A form (or result) with its FORM_TYPE as a hidden field first (XEP-0068). */
export function buildForm(
  type: 'form' | 'result' | 'submit',
  formType: string,
  fields: FieldView[],
): Element {
  return xml(
    'x',
    { xmlns: NS_DATA_FORMS, type },
    fieldElement({ var: 'FORM_TYPE', type: 'hidden', values: [formType] }),
    fields.map(fieldElement),
  );
}

function fieldElement(field: FieldView): Element {
  return xml(
    'field',
    { var: field.var, type: field.type, label: field.label },
    (field.options ?? []).map((option) => xml('option', {}, xml('value', {}, option))),
    field.values.map((value) => xml('value', {}, value)),
  );
}

/** XEP-0004 §3.3: a boolean is "1"/"true" or "0"/"false". */
export function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === '1' || value === 'true') {
    return true;
  }
  if (value === '0' || value === 'false') {
    return false;
  }
  return undefined;
}
