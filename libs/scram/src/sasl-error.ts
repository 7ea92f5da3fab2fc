/** The SASL failure conditions of RFC 6120 §6.5; the gateway sends the condition as-is. */
export type SaslFailure =
  | 'aborted'
  | 'account-disabled'
  | 'credentials-expired'
  | 'encryption-required'
  | 'incorrect-encoding'
  | 'invalid-authzid'
  | 'invalid-mechanism'
  | 'malformed-request'
  | 'mechanism-too-weak'
  | 'not-authorized'
  | 'temporary-auth-failure';

export class SaslError extends Error {
  constructor(
    readonly condition: SaslFailure,
    message?: string,
  ) {
    super(message ?? condition);
    this.name = 'SaslError';
  }
}
