/** The four values of a roster item's `subscription` attribute (RFC 6121 §2.1.2.5). */
export type Subscription = 'none' | 'to' | 'from' | 'both';

/** The presence types that drive the subscription state machine (RFC 6121 §3). */
export type SubscriptionPresence = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';

export const SUBSCRIPTION_PRESENCES: readonly SubscriptionPresence[] = [
  'subscribe',
  'subscribed',
  'unsubscribe',
  'unsubscribed',
];

/**
 * One user's side of a relationship with one contact: the nine states of RFC 6121 Appendix A
 * ("None + Pending Out" is `none` with `pendingOut`, …) plus a pre-approval (§3.4).
 */
export interface SubscriptionState {
  readonly subscription: Subscription;
  /** The user asked for the contact's presence and has no answer yet (`ask='subscribe'`). */
  readonly pendingOut: boolean;
  /** The contact asked for the user's presence and has no answer yet. */
  readonly pendingIn: boolean;
  /** The user approved the contact's subscription before it was asked for. */
  readonly approved: boolean;
}

export const NO_RELATIONSHIP: SubscriptionState = {
  subscription: 'none',
  pendingOut: false,
  pendingIn: false,
  approved: false,
};

/** What the user's server does with a subscription presence the user sends (Appendix A.2). */
export interface OutboundTransition {
  readonly state: SubscriptionState;
  /** Whether the stanza goes on to the contact. */
  readonly route: boolean;
}

/** What the contact's server does with a subscription presence it receives (Appendix A.3). */
export interface InboundTransition {
  readonly state: SubscriptionState;
  /** Whether the stanza is delivered to the contact. */
  readonly deliver: boolean;
  /** Whether the server answers `subscribed` on the contact's behalf (already or pre-approved). */
  readonly autoReply: boolean;
}

export function hasTo(subscription: Subscription): boolean {
  return subscription === 'to' || subscription === 'both';
}

export function hasFrom(subscription: Subscription): boolean {
  return subscription === 'from' || subscription === 'both';
}

function subscriptionOf(to: boolean, from: boolean): Subscription {
  if (to) {
    return from ? 'both' : 'to';
  }
  return from ? 'from' : 'none';
}

function withTo(state: SubscriptionState, to: boolean): Subscription {
  return subscriptionOf(to, hasFrom(state.subscription));
}

function withFrom(state: SubscriptionState, from: boolean): Subscription {
  return subscriptionOf(hasTo(state.subscription), from);
}

/** RFC 6121 Appendix A.2: the sender's side, and whether its server routes the stanza on. */
export function outbound(type: SubscriptionPresence, state: SubscriptionState): OutboundTransition {
  const to = hasTo(state.subscription);
  const from = hasFrom(state.subscription);
  switch (type) {
    case 'subscribe':
      // Always routed: the contact's server may have lost its state and answer again.
      return { state: to ? state : { ...state, pendingOut: true }, route: true };
    case 'unsubscribe':
      return {
        state: { ...state, subscription: withTo(state, false), pendingOut: false },
        route: true,
      };
    case 'subscribed':
      if (state.pendingIn) {
        return {
          state: {
            ...state,
            subscription: withFrom(state, true),
            pendingIn: false,
            approved: false,
          },
          route: true,
        };
      }
      // §3.4: approving before being asked stores a pre-approval; nothing is routed.
      return { state: from ? state : { ...state, approved: true }, route: false };
    case 'unsubscribed': {
      // Also cancels a pre-approval (§3.4).
      const route = from || state.pendingIn;
      const subscription = withFrom(state, false);
      return { state: { ...state, subscription, pendingIn: false, approved: false }, route };
    }
  }
}

/** RFC 6121 Appendix A.3: the recipient's side, and whether it sees the stanza. */
export function inbound(type: SubscriptionPresence, state: SubscriptionState): InboundTransition {
  const to = hasTo(state.subscription);
  const from = hasFrom(state.subscription);
  const unchanged = { state, deliver: false, autoReply: false };
  switch (type) {
    case 'subscribe':
      if (from) {
        return { ...unchanged, autoReply: true };
      }
      if (state.approved) {
        const subscription = withFrom(state, true);
        return {
          state: { ...state, subscription, pendingIn: false, approved: false },
          deliver: false,
          autoReply: true,
        };
      }
      // A request already waiting is not delivered (or stored) twice.
      if (state.pendingIn) {
        return unchanged;
      }
      return { state: { ...state, pendingIn: true }, deliver: true, autoReply: false };
    case 'unsubscribe':
      if (!from && !state.pendingIn) {
        return unchanged;
      }
      return {
        state: { ...state, subscription: withFrom(state, false), pendingIn: false },
        deliver: true,
        autoReply: false,
      };
    case 'subscribed':
      if (!state.pendingOut) {
        return unchanged;
      }
      return {
        state: { ...state, subscription: withTo(state, true), pendingOut: false },
        deliver: true,
        autoReply: false,
      };
    case 'unsubscribed':
      if (!to && !state.pendingOut) {
        return unchanged;
      }
      return {
        state: { ...state, subscription: withTo(state, false), pendingOut: false },
        deliver: true,
        autoReply: false,
      };
  }
}

export function sameState(a: SubscriptionState, b: SubscriptionState): boolean {
  return (
    a.subscription === b.subscription &&
    a.pendingOut === b.pendingOut &&
    a.pendingIn === b.pendingIn &&
    a.approved === b.approved
  );
}
