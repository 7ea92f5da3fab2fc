import type { Element } from '@sotto/xmpp';
import { FORM_SUBSCRIBE_OPTIONS } from '../pubsub/namespaces';
import { PubsubErrorCode, PubsubException } from '../pubsub/pubsub.exception';
import { buildForm, FormError, parseBoolean, parseForm } from './data-form';

/** The subscription options this service offers (XEP-0060 §16.4.2): delivery on or off. */
export interface SubscribeOptions {
  deliver: boolean;
}

export const DEFAULT_SUBSCRIBE_OPTIONS: SubscribeOptions = { deliver: true };

export function subscribeOptionsForm(options: SubscribeOptions, type: 'form' | 'result'): Element {
  return buildForm(type, FORM_SUBSCRIBE_OPTIONS, [
    {
      var: 'pubsub#deliver',
      type: 'boolean',
      label: 'Enable delivery?',
      values: [options.deliver ? '1' : '0'],
    },
  ]);
}

/**
 * The options after a submitted subscribe_options form (§6.3.5); undefined when cancelled.
 * An option this service does not offer, or a bad value, is an invalid group of options.
 */
export function applySubscribeOptionsForm(
  current: SubscribeOptions,
  x: Element,
): SubscribeOptions | undefined {
  let form;
  try {
    form = parseForm(x);
  } catch (error) {
    if (error instanceof FormError) {
      throw new PubsubException(PubsubErrorCode.InvalidOptions, error.message);
    }
    throw error;
  }
  if (form.type === 'cancel') {
    return undefined;
  }
  if (form.type !== 'submit') {
    throw new PubsubException(PubsubErrorCode.InvalidOptions, 'expected a submitted form');
  }
  if (form.formType !== undefined && form.formType !== FORM_SUBSCRIBE_OPTIONS) {
    throw new PubsubException(PubsubErrorCode.InvalidOptions, 'the form has the wrong FORM_TYPE');
  }
  const options = { ...current };
  for (const [name, values] of form.fields) {
    const value = values.length === 1 ? parseBoolean(values[0]) : undefined;
    if (name !== 'pubsub#deliver' || value === undefined) {
      throw new PubsubException(PubsubErrorCode.InvalidOptions, 'only pubsub#deliver, a boolean');
    }
    options.deliver = value;
  }
  return options;
}
