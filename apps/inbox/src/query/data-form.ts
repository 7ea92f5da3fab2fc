import { xml, type Element } from '@sotto/xmpp';

export const NS_DATA = 'jabber:x:data';

export interface FormField {
  var: string;
  type: string;
  values?: string[];
  /** Options of a list field: label and value. */
  options?: [label: string, value: string][];
}

/** A XEP-0004 form of `formType` with `fields`, as a service offers it. */
export function dataForm(formType: string, fields: readonly FormField[]): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: 'form' },
    xml('field', { type: 'hidden', var: 'FORM_TYPE' }, xml('value', {}, formType)),
    ...fields.map((field) =>
      xml(
        'field',
        { var: field.var, type: field.type },
        ...(field.values ?? []).map((value) => xml('value', {}, value)),
        ...(field.options ?? []).map(([label, value]) =>
          xml('option', { label }, xml('value', {}, value)),
        ),
      ),
    ),
  );
}

/**
 * The values of the data form among `parent`'s children, by field name, FORM_TYPE left out; an
 * empty map when there is no form. A field without a value is taken as not given.
 */
export function submittedFields(parent: Element): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const form = parent.getChild('x', NS_DATA);
  for (const field of form?.getChildren('field') ?? []) {
    const name = field.attrs.var;
    const values = field.getChildren('value').map((value) => value.text());
    if (name !== undefined && name !== 'FORM_TYPE' && values.length > 0) {
      fields.set(name, values);
    }
  }
  return fields;
}
