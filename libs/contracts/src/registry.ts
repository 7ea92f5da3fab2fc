import { z } from 'zod';
import { accountsRpc } from './accounts.contract';
import { offlineRpc } from './messages.contract';
import { pepEvents } from './pep.contract';
import { rosterRpc } from './roster.contract';
import { sessionEvents } from './sessions.contract';

/** Every request/reply subject on the bus with its request and result schema. */
export const rpcContracts = {
  ...accountsRpc,
  ...offlineRpc,
  ...rosterRpc,
} as const;

export type RpcSubject = keyof typeof rpcContracts;
/** The request payload of a subject: a handler for `S` gets exactly this type. */
export type RpcRequest<S extends RpcSubject> = z.infer<(typeof rpcContracts)[S]['request']>;
export type RpcResult<S extends RpcSubject> = z.infer<(typeof rpcContracts)[S]['result']>;

/** Every fire-and-forget event subject with its payload schema. */
export const eventContracts = {
  ...sessionEvents,
  ...pepEvents,
} as const;

export type EventSubject = keyof typeof eventContracts;
export type EventPayload<S extends EventSubject> = z.infer<(typeof eventContracts)[S]>;
