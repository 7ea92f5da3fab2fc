import { describe, it, expect } from 'vitest';
import { parseFrame, type Element } from '@sotto/xmpp';
import { PubsubErrorCode } from '../pubsub/pubsub.exception';
import { PEP_NODE_DEFAULTS, SERVICE_NODE_DEFAULTS } from './node-config';
import {
  applyNodeConfigForm,
  nodeConfigForm,
  readPublishOptions,
  unmetPrecondition,
} from './node-config-form';

const limits = { maxItems: 100 };

function form(
  type: string,
  formType: string | undefined,
  fields: Record<string, string[]>,
): Element {
  const typeField =
    formType === undefined
      ? ''
      : `<field var='FORM_TYPE' type='hidden'><value>${formType}</value></field>`;
  const rest = Object.entries(fields)
    .map(
      ([name, values]) =>
        `<field var='${name}'>${values.map((v) => `<value>${v}</value>`).join('')}</field>`,
    )
    .join('');
  return parseFrame(`<x xmlns='jabber:x:data' type='${type}'>${typeField}${rest}</x>`, {
    maxStanzaBytes: 65536,
    maxDepth: 16,
  });
}

const config = (fields: Record<string, string[]>, type = 'submit') =>
  form(type, 'http://jabber.org/protocol/pubsub#node_config', fields);
const publishOptions = (fields: Record<string, string[]>) =>
  form('submit', 'http://jabber.org/protocol/pubsub#publish-options', fields);

describe('node configuration forms', () => {
  it('renders every option with its current value, FORM_TYPE first', () => {
    const x = nodeConfigForm(
      { ...SERVICE_NODE_DEFAULTS, title: 'News', rosterGroupsAllowed: ['A'] },
      'form',
    );
    const fields = x.getChildren('field');
    expect(fields[0]?.attrs).toEqual({ var: 'FORM_TYPE', type: 'hidden' });
    const value = (name: string) =>
      fields
        .find((f) => f.attrs.var === name)
        ?.getChildren('value')
        .map((v) => v.text());
    expect(value('pubsub#title')).toEqual(['News']);
    expect(value('pubsub#access_model')).toEqual(['open']);
    expect(value('pubsub#max_items')).toEqual(['20']);
    expect(value('pubsub#persist_items')).toEqual(['1']);
    expect(value('pubsub#roster_groups_allowed')).toEqual(['A']);
    expect(
      fields.find((f) => f.attrs.var === 'pubsub#access_model')?.getChildren('option').length,
    ).toBe(4);
  });

  it('applies a submitted form, keeping what it leaves out and ignoring unknown options', () => {
    const applied = applyNodeConfigForm(
      SERVICE_NODE_DEFAULTS,
      config({
        'pubsub#access_model': ['whitelist'],
        'pubsub#max_items': ['max'],
        'pubsub#deliver_payloads': ['false'],
        'pubsub#roster_groups_allowed': ['Friends', 'Friends', 'Family'],
        'pubsub#item_expire': ['604800'],
      }),
      limits,
    );
    expect(applied).toEqual({
      ...SERVICE_NODE_DEFAULTS,
      accessModel: 'whitelist',
      maxItems: 'max',
      deliverPayloads: false,
      rosterGroupsAllowed: ['Friends', 'Family'],
    });
  });

  it('takes a form without FORM_TYPE, and a cancelled one as no change', () => {
    expect(
      applyNodeConfigForm(
        SERVICE_NODE_DEFAULTS,
        form('submit', undefined, { 'pubsub#title': ['t'] }),
        limits,
      ),
    ).toMatchObject({ title: 't' });
    expect(
      applyNodeConfigForm(SERVICE_NODE_DEFAULTS, config({}, 'cancel'), limits),
    ).toBeUndefined();
  });

  it.each([
    [config({ 'pubsub#persist_items': ['maybe'] }), PubsubErrorCode.BadRequest],
    [config({ 'pubsub#persist_items': ['1', '0'] }), PubsubErrorCode.BadRequest],
    [config({ 'pubsub#max_items': ['-1'] }), PubsubErrorCode.BadRequest],
    [config({ 'pubsub#max_items': ['101'] }), PubsubErrorCode.NotAcceptable],
    [config({ 'pubsub#access_model': ['authorize'] }), PubsubErrorCode.UnsupportedAccessModel],
    [config({ 'pubsub#publish_model': ['everyone'] }), PubsubErrorCode.BadRequest],
    [config({}, 'result'), PubsubErrorCode.BadRequest],
    [form('submit', 'urn:other', {}), PubsubErrorCode.BadRequest],
    [
      parseFrame("<x xmlns='jabber:x:data' type='submit'><field var='a'/><field var='a'/></x>", {
        maxStanzaBytes: 1000,
        maxDepth: 8,
      }),
      PubsubErrorCode.BadRequest,
    ],
  ])('refuses a bad configuration form (%#)', (x, code) => {
    expect(() => applyNodeConfigForm(SERVICE_NODE_DEFAULTS, x, limits)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('publish-options preconditions (XEP-0060 §7.1.5)', () => {
  it('are met when each named option has the value asked for', () => {
    const bookmarks = readPublishOptions(
      publishOptions({
        'pubsub#persist_items': ['true'],
        'pubsub#max_items': ['max'],
        'pubsub#send_last_published_item': ['never'],
        'pubsub#access_model': ['whitelist'],
      }),
      limits,
    );
    const node = {
      ...PEP_NODE_DEFAULTS,
      maxItems: 'max' as const,
      sendLastPublishedItem: 'never' as const,
      accessModel: 'whitelist' as const,
    };
    expect(unmetPrecondition(node, bookmarks)).toBeUndefined();
    expect(unmetPrecondition(PEP_NODE_DEFAULTS, bookmarks)).toBe('pubsub#max_items');
    expect(bookmarks.values).toEqual({
      persistItems: true,
      maxItems: 'max',
      sendLastPublishedItem: 'never',
      accessModel: 'whitelist',
    });
  });

  it('compare roster groups as sets', () => {
    const wanted = readPublishOptions(
      publishOptions({ 'pubsub#roster_groups_allowed': ['b', 'a'] }),
      limits,
    );
    expect(
      unmetPrecondition({ ...PEP_NODE_DEFAULTS, rosterGroupsAllowed: ['a', 'b'] }, wanted),
    ).toBeUndefined();
    expect(unmetPrecondition({ ...PEP_NODE_DEFAULTS, rosterGroupsAllowed: ['a'] }, wanted)).toBe(
      'pubsub#roster_groups_allowed',
    );
  });

  it('cannot be met by an option no node has here, nor read from a bad form', () => {
    expect(() =>
      readPublishOptions(publishOptions({ 'pubsub#item_expire': ['60'] }), limits),
    ).toThrow(expect.objectContaining({ code: PubsubErrorCode.PreconditionNotMet }));
    expect(() =>
      readPublishOptions(publishOptions({ 'pubsub#persist_items': ['yes'] }), limits),
    ).toThrow(expect.objectContaining({ code: PubsubErrorCode.BadRequest }));
    expect(() =>
      readPublishOptions(
        form('submit', 'http://jabber.org/protocol/pubsub#node_config', {}),
        limits,
      ),
    ).toThrow(expect.objectContaining({ code: PubsubErrorCode.BadRequest }));
  });
});
