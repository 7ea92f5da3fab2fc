import type { RpcErrorCode } from '@sotto/contracts';

/** A failed request on the bus: thrown by handlers to answer with a code, and by callers on error replies. */
export class RpcError extends Error {
  constructor(
    readonly code: RpcErrorCode | 'unavailable' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}
