import { z } from 'zod';

/** Error codes a request/reply handler may answer with; the caller maps them to XMPP or HTTP errors. */
export const RpcErrorCode = z.enum([
  'bad-request',
  'not-found',
  'conflict',
  'forbidden',
  'internal',
]);
export type RpcErrorCode = z.infer<typeof RpcErrorCode>;

/** Every reply on the bus is either a result or an error with a code; never a bare value. */
export type RpcReply<T> =
  { ok: true; result: T } | { ok: false; error: { code: RpcErrorCode; message: string } };

export function rpcReplySchema<T extends z.ZodType>(result: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), result }),
    z.object({
      ok: z.literal(false),
      error: z.object({ code: RpcErrorCode, message: z.string() }),
    }),
  ]);
}
