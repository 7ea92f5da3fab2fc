import { describe, it, expect } from 'vitest';
import { parseFrame } from '@sotto/xmpp';
import { PubsubErrorCode } from '../pubsub/pubsub.exception';
import { applySubscribeOptionsForm, subscribeOptionsForm } from './subscribe-options';

const x = (inner: string, type = 'submit') =>
  parseFrame(
    `<x xmlns='jabber:x:data' type='${type}'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#subscribe_options</value></field>${inner}</x>`,
    { maxStanzaBytes: 4096, maxDepth: 8 },
  );

describe('subscription options (XEP-0060 §6.3)', () => {
  it('offers pubsub#deliver', () => {
    expect(subscribeOptionsForm({ deliver: false }, 'form').toString()).toContain(
      "<field var='pubsub#deliver' type='boolean' label='Enable delivery?'><value>0</value></field>",
    );
  });

  it('applies a submitted form; cancel changes nothing', () => {
    expect(
      applySubscribeOptionsForm(
        { deliver: true },
        x("<field var='pubsub#deliver'><value>0</value></field>"),
      ),
    ).toEqual({ deliver: false });
    expect(applySubscribeOptionsForm({ deliver: true }, x('', 'cancel'))).toBeUndefined();
  });

  it.each([
    ["<field var='pubsub#digest'><value>1</value></field>"],
    ["<field var='pubsub#deliver'><value>often</value></field>"],
    ["<field var='pubsub#deliver'/>"],
  ])('refuses an invalid group of options: %s', (field) => {
    expect(() => applySubscribeOptionsForm({ deliver: true }, x(field))).toThrow(
      expect.objectContaining({ code: PubsubErrorCode.InvalidOptions }),
    );
  });
});
