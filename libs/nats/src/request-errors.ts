import { errors } from '@nats-io/transport-node';

/** Nobody subscribes to the subject: nats.js reports it as a RequestError (or its cause). */
export function isNoResponders(error: unknown): boolean {
  return (
    error instanceof errors.NoRespondersError ||
    (error instanceof errors.RequestError && error.isNoResponders())
  );
}

/** The request got no answer in time. */
export function isTimeout(error: unknown): boolean {
  return (
    error instanceof errors.TimeoutError ||
    (error instanceof Error && error.cause instanceof errors.TimeoutError)
  );
}
