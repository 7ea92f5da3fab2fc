import { z } from 'zod';
import { Base64, BareJid, Password, ScramMechanism } from './fields';

/** Request/reply subjects served by the accounts service (queue group `accounts`). */
export const accountsRpc = {
  'accounts.create': {
    request: z.object({ jid: BareJid, password: Password }),
    result: z.object({ jid: BareJid }),
  },
  /**
   * `exists`: the account is there, disabled or not (the erasure job asks while it is disabled).
   * `active`: it exists and no erasure has begun. Whatever would keep new data about a user (a
   * message accepted for them, stored offline, a subscription request) asks for `active`, so an
   * erasure under way never gathers data that its forgets have already passed.
   */
  'accounts.exists': {
    request: z.object({ jid: BareJid }),
    result: z.object({ exists: z.boolean(), active: z.boolean() }),
  },
  /**
   * The salted SCRAM credentials the gateway needs to run a SASL exchange. For an unknown account
   * the service answers with deterministic decoy credentials, so a login attempt cannot tell
   * whether an account exists (RFC 5802 §5.1 "mock" behaviour).
   */
  'accounts.scram-credentials': {
    request: z.object({ jid: BareJid, mechanism: ScramMechanism }),
    result: z.object({
      salt: Base64,
      iterations: z.number().int().positive(),
      storedKey: Base64,
      serverKey: Base64,
    }),
  },
  'accounts.change-password': {
    request: z.object({ jid: BareJid, password: Password }),
    result: z.object({ jid: BareJid }),
  },
  /**
   * Blocks every later login of the account (erasure in progress): from then on the account
   * answers credentials requests with decoys, as an unknown account would.
   */
  'accounts.disable': {
    request: z.object({ jid: BareJid }),
    result: z.object({ disabled: z.boolean() }),
  },
  /**
   * Whether the account may be logged in: it exists and is not disabled. The gateway asks once
   * per bind, after its session is reachable by `sessions.end`, so that a login racing with
   * `accounts.disable` never leaves a session open.
   */
  'accounts.login-allowed': {
    request: z.object({ jid: BareJid }),
    result: z.object({ allowed: z.boolean() }),
  },
  'accounts.delete': {
    request: z.object({ jid: BareJid }),
    result: z.object({ deleted: z.boolean() }),
  },
} as const;
