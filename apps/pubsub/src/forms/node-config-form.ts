import type { Element } from '@sotto/xmpp';
import { FORM_NODE_CONFIG, FORM_PUBLISH_OPTIONS } from '../pubsub/namespaces';
import { PubsubErrorCode, PubsubException } from '../pubsub/pubsub.exception';
import { buildForm, FormError, parseBoolean, parseForm, type FieldView } from './data-form';
import {
  ACCESS_MODELS,
  NOTIFICATION_TYPES,
  PUBLISH_MODELS,
  SEND_LAST_PUBLISHED_ITEM,
  type NodeConfig,
} from './node-config';

/** What bounds a configuration: the service's item limit. */
export interface ConfigLimits {
  maxItems: number;
}

interface ConfigField {
  var: string;
  view(config: NodeConfig): FieldView;
  /** The option's value as the field gives it; throws PubsubException when it is not one. */
  read(values: string[], limits: ConfigLimits): Partial<NodeConfig>;
  matches(config: NodeConfig, wanted: Partial<NodeConfig>): boolean;
}

interface FieldDefinition<K extends keyof NodeConfig> {
  var: string;
  key: K;
  type: 'boolean' | 'text-single' | 'list-single' | 'list-multi';
  label: string;
  options?: readonly string[];
  parse(values: string[], limits: ConfigLimits): NodeConfig[K];
  render(value: NodeConfig[K]): string[];
}

function field<K extends keyof NodeConfig>(definition: FieldDefinition<K>): ConfigField {
  const { key } = definition;
  return {
    var: definition.var,
    view: (config) => ({
      var: definition.var,
      type: definition.type,
      label: definition.label,
      options: definition.options,
      values: definition.render(config[key]),
    }),
    read: (values, limits) => ({ [key]: definition.parse(values, limits) }),
    matches: (config, wanted) => sameValue(config[key], wanted[key]),
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sorted = (values: unknown[]) => values.map(String).sort().join('\n');
    return a.length === b.length && sorted(a) === sorted(b);
  }
  return a === b;
}

function single(values: string[]): string {
  if (values.length !== 1) {
    throw new PubsubException(PubsubErrorCode.BadRequest, 'a configuration field needs one value');
  }
  return values[0];
}

type BooleanKey = {
  [K in keyof NodeConfig]: NodeConfig[K] extends boolean ? K : never;
}[keyof NodeConfig];

function booleanField(name: string, key: BooleanKey, label: string): ConfigField {
  return field({
    var: name,
    key,
    type: 'boolean',
    label,
    parse: (values) => {
      const value = parseBoolean(single(values));
      if (value === undefined) {
        throw new PubsubException(PubsubErrorCode.BadRequest, `${name} is a boolean`);
      }
      return value;
    },
    render: (value) => [value ? '1' : '0'],
  });
}

function oneOf<T extends string>(name: string, options: readonly T[], value: string): T {
  const found = options.find((option) => option === value);
  if (found === undefined) {
    throw new PubsubException(PubsubErrorCode.BadRequest, `unknown value of ${name}`);
  }
  return found;
}

/** The options a node has here, in the order the configuration form lists them. */
const FIELDS: ConfigField[] = [
  field({
    var: 'pubsub#title',
    key: 'title',
    type: 'text-single',
    label: 'A friendly name for the node',
    parse: (values) => {
      const title = values.join('\n');
      if (title.length > 1024) {
        throw new PubsubException(PubsubErrorCode.NotAcceptable, 'the title is too long');
      }
      return title;
    },
    render: (value) => (value === '' ? [] : [value]),
  }),
  booleanField(
    'pubsub#deliver_notifications',
    'deliverNotifications',
    'Deliver event notifications',
  ),
  booleanField(
    'pubsub#deliver_payloads',
    'deliverPayloads',
    'Deliver payloads with event notifications',
  ),
  booleanField(
    'pubsub#notify_config',
    'notifyConfig',
    'Notify subscribers when the node configuration changes',
  ),
  booleanField(
    'pubsub#notify_delete',
    'notifyDelete',
    'Notify subscribers when the node is deleted',
  ),
  booleanField(
    'pubsub#notify_retract',
    'notifyRetract',
    'Notify subscribers when items are removed from the node',
  ),
  booleanField('pubsub#persist_items', 'persistItems', 'Persist items to storage'),
  field({
    var: 'pubsub#max_items',
    key: 'maxItems',
    type: 'text-single',
    label:
      'Max # of items to persist. `max` for no specific limit other than a server imposed maximum.',
    parse: (values, limits) => {
      const value = single(values);
      if (value === 'max') {
        return 'max';
      }
      if (!/^[0-9]{1,9}$/.test(value) || Number(value) < 1) {
        throw new PubsubException(
          PubsubErrorCode.BadRequest,
          'pubsub#max_items is a number or max',
        );
      }
      if (Number(value) > limits.maxItems) {
        throw new PubsubException(
          PubsubErrorCode.NotAcceptable,
          `a node keeps at most ${limits.maxItems} items here`,
        );
      }
      return Number(value);
    },
    render: (value) => [String(value)],
  }),
  field({
    var: 'pubsub#access_model',
    key: 'accessModel',
    type: 'list-single',
    label: 'Specify the subscriber model',
    options: ACCESS_MODELS,
    parse: (values) => {
      const value = single(values);
      const model = ACCESS_MODELS.find((m) => m === value);
      if (model === undefined) {
        throw new PubsubException(PubsubErrorCode.UnsupportedAccessModel);
      }
      return model;
    },
    render: (value) => [value],
  }),
  field({
    var: 'pubsub#roster_groups_allowed',
    key: 'rosterGroupsAllowed',
    type: 'list-multi',
    label: 'Roster groups allowed to subscribe',
    parse: (values) => {
      if (values.length > 64 || values.some((group) => group === '' || group.length > 1024)) {
        throw new PubsubException(PubsubErrorCode.NotAcceptable, 'at most 64 roster groups');
      }
      return [...new Set(values)];
    },
    render: (value) => value,
  }),
  field({
    var: 'pubsub#publish_model',
    key: 'publishModel',
    type: 'list-single',
    label: 'Specify the publisher model',
    options: PUBLISH_MODELS,
    parse: (values) => oneOf('pubsub#publish_model', PUBLISH_MODELS, single(values)),
    render: (value) => [value],
  }),
  field({
    var: 'pubsub#send_last_published_item',
    key: 'sendLastPublishedItem',
    type: 'list-single',
    label: 'When to send the last published item',
    options: SEND_LAST_PUBLISHED_ITEM,
    parse: (values) =>
      oneOf('pubsub#send_last_published_item', SEND_LAST_PUBLISHED_ITEM, single(values)),
    render: (value) => [value],
  }),
  field({
    var: 'pubsub#notification_type',
    key: 'notificationType',
    type: 'list-single',
    label: 'Specify the delivery style for event notifications',
    options: NOTIFICATION_TYPES,
    parse: (values) => oneOf('pubsub#notification_type', NOTIFICATION_TYPES, single(values)),
    render: (value) => [value],
  }),
];

const BY_VAR = new Map(FIELDS.map((f) => [f.var, f]));

/** The configuration as a form to fill in (`form`) or as information (`result`). */
export function nodeConfigForm(
  config: NodeConfig,
  type: 'form' | 'result',
  formType: string = FORM_NODE_CONFIG,
  extra: FieldView[] = [],
): Element {
  return buildForm(type, formType, [...FIELDS.map((f) => f.view(config)), ...extra]);
}

/**
 * The configuration after a submitted `pubsub#node_config` form (XEP-0060 §8.2.4), or undefined
 * when the owner cancelled. Options the form leaves out keep their value; options this service
 * does not have are ignored, as XEP-0004 lets a form processor do.
 */
export function applyNodeConfigForm(
  current: NodeConfig,
  x: Element,
  limits: ConfigLimits,
): NodeConfig | undefined {
  const form = readForm(x, FORM_NODE_CONFIG);
  if (form.type === 'cancel') {
    return undefined;
  }
  let config = { ...current };
  for (const [name, values] of form.fields) {
    const known = BY_VAR.get(name);
    if (known) {
      config = { ...config, ...known.read(values, limits) };
    }
  }
  return config;
}

/** Preconditions of a publication (XEP-0060 §7.1.5): the options a publish-options form names. */
export type Preconditions = { vars: string[]; values: Partial<NodeConfig> };

export function readPublishOptions(x: Element, limits: ConfigLimits): Preconditions {
  const form = readForm(x, FORM_PUBLISH_OPTIONS);
  if (form.type !== 'submit') {
    throw new PubsubException(PubsubErrorCode.BadRequest, 'publish-options are a submitted form');
  }
  const preconditions: Preconditions = { vars: [], values: {} };
  for (const [name, values] of form.fields) {
    const known = BY_VAR.get(name);
    if (!known) {
      // "MUST reject the publication upon encountering unknown fields": a node here can never
      // have that option, so the precondition cannot be met.
      throw new PubsubException(PubsubErrorCode.PreconditionNotMet, 'unknown publish option');
    }
    preconditions.vars.push(name);
    Object.assign(preconditions.values, known.read(values, limits));
  }
  return preconditions;
}

/** The first option whose value differs from the precondition, if any. */
export function unmetPrecondition(config: NodeConfig, wanted: Preconditions): string | undefined {
  return wanted.vars.find((name) => !BY_VAR.get(name)?.matches(config, wanted.values));
}

function readForm(x: Element, expectedType: string) {
  let form;
  try {
    form = parseForm(x);
  } catch (error) {
    if (error instanceof FormError) {
      throw new PubsubException(PubsubErrorCode.BadRequest, error.message);
    }
    throw error;
  }
  if (form.type !== 'submit' && form.type !== 'cancel') {
    throw new PubsubException(PubsubErrorCode.BadRequest, 'expected a submitted form');
  }
  if (form.formType !== undefined && form.formType !== expectedType) {
    throw new PubsubException(PubsubErrorCode.BadRequest, 'the form has the wrong FORM_TYPE');
  }
  return form;
}
