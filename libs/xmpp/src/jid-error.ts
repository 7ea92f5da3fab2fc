/** Thrown for any JID, or JID part, that is not valid under RFC 7622. */
export class JidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JidError';
  }
}
