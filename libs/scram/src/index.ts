export { mechanismHash, type ScramHash } from './hash';
export {
  deriveCredentials,
  deriveCredentialsAsync,
  verifyPassword,
  type ScramCredentials,
} from './credentials';
export { decoyCredentials } from './decoy';
export { SaslError, type SaslFailure } from './sasl-error';
export { parseClientFirst, type ClientFirst } from './messages';
export { ScramServerExchange } from './server-exchange';
