import { describe, expect, it } from 'vitest';
import {
  NO_RELATIONSHIP,
  inbound,
  outbound,
  type SubscriptionPresence,
  type SubscriptionState,
} from './subscription-state';

// The nine states of RFC 6121 Appendix A, by the names its tables use.
const STATES = {
  None: {},
  'None + Pending Out': { pendingOut: true },
  'None + Pending In': { pendingIn: true },
  'None + Pending Out/In': { pendingOut: true, pendingIn: true },
  To: { subscription: 'to' },
  'To + Pending In': { subscription: 'to', pendingIn: true },
  From: { subscription: 'from' },
  'From + Pending Out': { subscription: 'from', pendingOut: true },
  Both: { subscription: 'both' },
} satisfies Record<string, Partial<SubscriptionState>>;
type StateName = keyof typeof STATES;

function state(name: StateName, extra: Partial<SubscriptionState> = {}): SubscriptionState {
  return { ...NO_RELATIONSHIP, ...STATES[name], ...extra };
}

// [existing state, route or deliver?, new state ('=' for no state change)]
type Row = [StateName, boolean, StateName | '='];

// Appendix A.2: outbound stanzas (the sender's side).
const OUTBOUND: Record<SubscriptionPresence, Row[]> = {
  subscribe: [
    ['None', true, 'None + Pending Out'],
    ['None + Pending Out', true, '='],
    ['None + Pending In', true, 'None + Pending Out/In'],
    ['None + Pending Out/In', true, '='],
    ['To', true, '='],
    ['To + Pending In', true, '='],
    ['From', true, 'From + Pending Out'],
    ['From + Pending Out', true, '='],
    ['Both', true, '='],
  ],
  unsubscribe: [
    ['None', true, '='],
    ['None + Pending Out', true, 'None'],
    ['None + Pending In', true, '='],
    ['None + Pending Out/In', true, 'None + Pending In'],
    ['To', true, 'None'],
    ['To + Pending In', true, 'None + Pending In'],
    ['From', true, '='],
    ['From + Pending Out', true, 'From'],
    ['Both', true, 'From'],
  ],
  // The three "no state change [1]" rows store a pre-approval: tested below.
  subscribed: [
    ['None + Pending In', true, 'From'],
    ['None + Pending Out/In', true, 'From + Pending Out'],
    ['To + Pending In', true, 'Both'],
    ['From', false, '='],
    ['From + Pending Out', false, '='],
    ['Both', false, '='],
  ],
  unsubscribed: [
    ['None', false, '='],
    ['None + Pending Out', false, '='],
    ['None + Pending In', true, 'None'],
    ['None + Pending Out/In', true, 'None + Pending Out'],
    ['To', false, '='],
    ['To + Pending In', true, 'To'],
    ['From', true, 'None'],
    ['From + Pending Out', true, 'None + Pending Out'],
    ['Both', true, 'To'],
  ],
};

// Appendix A.3: inbound stanzas (the recipient's side). Subscribe in From/From + Pending
// Out/Both is not delivered but answered `subscribed` by the server: tested below.
const INBOUND: Record<SubscriptionPresence, Row[]> = {
  subscribe: [
    ['None', true, 'None + Pending In'],
    ['None + Pending Out', true, 'None + Pending Out/In'],
    ['None + Pending In', false, '='],
    ['None + Pending Out/In', false, '='],
    ['To', true, 'To + Pending In'],
    ['To + Pending In', false, '='],
  ],
  unsubscribe: [
    ['None', false, '='],
    ['None + Pending Out', false, '='],
    ['None + Pending In', true, 'None'],
    ['None + Pending Out/In', true, 'None + Pending Out'],
    ['To', false, '='],
    ['To + Pending In', true, 'To'],
    ['From', true, 'None'],
    ['From + Pending Out', true, 'None + Pending Out'],
    ['Both', true, 'To'],
  ],
  subscribed: [
    ['None', false, '='],
    ['None + Pending Out', true, 'To'],
    ['None + Pending In', false, '='],
    ['None + Pending Out/In', true, 'To + Pending In'],
    ['To', false, '='],
    ['To + Pending In', false, '='],
    ['From', false, '='],
    ['From + Pending Out', true, 'Both'],
    ['Both', false, '='],
  ],
  unsubscribed: [
    ['None', false, '='],
    ['None + Pending Out', true, 'None'],
    ['None + Pending In', false, '='],
    ['None + Pending Out/In', true, 'None + Pending In'],
    ['To', true, 'None'],
    ['To + Pending In', true, 'None + Pending In'],
    ['From', false, '='],
    ['From + Pending Out', true, 'From'],
    ['Both', true, 'From'],
  ],
};

function rows(table: Record<SubscriptionPresence, Row[]>) {
  return Object.entries(table).flatMap(([type, entries]) =>
    entries.map(([from, flag, to]) => [type as SubscriptionPresence, from, flag, to] as const),
  );
}

describe('outbound subscription presence (RFC 6121 A.2)', () => {
  it.each(rows(OUTBOUND))('%s in "%s": route %s, new state %s', (type, from, route, to) => {
    const sut = outbound(type, state(from));
    expect(sut.route).toBe(route);
    expect(sut.state).toEqual(to === '=' ? state(from) : state(to));
  });

  it.each(['None', 'None + Pending Out', 'To'] as const)(
    'subscribed in "%s" stores a pre-approval and routes nothing',
    (name) => {
      const sut = outbound('subscribed', state(name));
      expect(sut).toEqual({ state: state(name, { approved: true }), route: false });
    },
  );

  it.each(['None', 'None + Pending Out', 'To'] as const)(
    'unsubscribed in "%s" cancels a pre-approval and routes nothing',
    (name) => {
      const sut = outbound('unsubscribed', state(name, { approved: true }));
      expect(sut).toEqual({ state: state(name), route: false });
    },
  );
});

describe('inbound subscription presence (RFC 6121 A.3)', () => {
  it.each(rows(INBOUND))('%s in "%s": deliver %s, new state %s', (type, from, deliver, to) => {
    const sut = inbound(type, state(from));
    expect(sut.deliver).toBe(deliver);
    expect(sut.autoReply).toBe(false);
    expect(sut.state).toEqual(to === '=' ? state(from) : state(to));
  });

  it.each(['From', 'From + Pending Out', 'Both'] as const)(
    'subscribe in "%s" is answered by the server, not delivered',
    (name) => {
      expect(inbound('subscribe', state(name))).toEqual({
        state: state(name),
        deliver: false,
        autoReply: true,
      });
    },
  );

  it.each([
    ['None', 'From'],
    ['None + Pending Out', 'From + Pending Out'],
    ['To', 'Both'],
  ] as const)('subscribe in pre-approved "%s" is approved at once: "%s"', (name, next) => {
    expect(inbound('subscribe', state(name, { approved: true }))).toEqual({
      state: state(next),
      deliver: false,
      autoReply: true,
    });
  });
});

describe('a whole handshake', () => {
  it('ends in Both on both sides, and unsubscribe undoes one direction', () => {
    let user = NO_RELATIONSHIP;
    let contact = NO_RELATIONSHIP;
    const send = (type: SubscriptionPresence, fromUser: boolean): void => {
      const sender = fromUser ? user : contact;
      const out = outbound(type, sender);
      const received = out.route ? inbound(type, fromUser ? contact : user).state : undefined;
      if (fromUser) {
        user = out.state;
        contact = received ?? contact;
      } else {
        contact = out.state;
        user = received ?? user;
      }
    };
    send('subscribe', true);
    send('subscribed', false);
    send('subscribe', false);
    send('subscribed', true);
    expect([user.subscription, contact.subscription]).toEqual(['both', 'both']);
    send('unsubscribe', true);
    expect([user.subscription, contact.subscription]).toEqual(['from', 'to']);
  });
});
