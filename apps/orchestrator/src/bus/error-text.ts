/** Only the error's type: a driver's message may quote a value (a JID) of the request. */
export { errorName } from '@sotto/nats';

/** Type and message, for errors of the NATS client: they name subjects and streams, not payloads. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
