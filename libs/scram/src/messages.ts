import { SaslError } from './sasl-error';

export interface ClientFirst {
  gs2Header: string;
  channelBindingFlag: 'n' | 'y' | 'p';
  authzid?: string;
  /** The username with `=2C` and `=3D` decoded; not yet prepared. */
  username: string;
  clientNonce: string;
  clientFirstBare: string;
}

export interface ClientFinal {
  channelBinding: string;
  nonce: string;
  proof: Buffer;
  withoutProof: string;
}

// RFC 5802 §7: printable ASCII except ',' for nonces; strict base64 for binary attributes.
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EXTENSION = /^[A-Za-z]=[^,]*$/;

export function parseClientFirst(message: string): ClientFirst {
  const [flag, authz, ...bareParts] = message.split(',');
  if (flag === undefined || authz === undefined) {
    throw malformed('no gs2 header');
  }
  if (flag.startsWith('p=')) {
    // We advertise no SCRAM-*-PLUS mechanism, so a client asking for channel binding is confused.
    throw malformed('channel binding is not offered');
  }
  if (flag !== 'n' && flag !== 'y') {
    throw malformed('bad channel binding flag');
  }
  if (authz !== '' && !authz.startsWith('a=')) {
    throw malformed('bad authzid');
  }
  const authzid = authz === '' ? undefined : decodeSaslName(authz.slice(2));
  const [user, nonce, ...extensions] = bareParts;
  if (user?.startsWith('m=')) {
    // RFC 5802 §5.1: a mandatory extension we do not understand must fail the exchange.
    throw malformed('unsupported mandatory extension');
  }
  if (!user?.startsWith('n=') || !nonce?.startsWith('r=')) {
    throw malformed('expected n= and r=');
  }
  const clientNonce = nonce.slice(2);
  if (!NONCE.test(clientNonce) || !extensions.every((e) => EXTENSION.test(e))) {
    throw malformed('bad nonce or extension');
  }
  return {
    gs2Header: `${flag},${authz},`,
    channelBindingFlag: flag,
    ...(authzid === undefined ? {} : { authzid }),
    username: decodeSaslName(user.slice(2)),
    clientNonce,
    clientFirstBare: bareParts.join(','),
  };
}

/** client-final-message = c=<b64>,r=<nonce>[,ext...],p=<b64 proof> */
export function parseClientFinal(message: string): ClientFinal {
  const parts = message.split(',');
  const [binding, nonce] = parts;
  const proof = parts.at(-1);
  if (
    parts.length < 3 ||
    !binding?.startsWith('c=') ||
    !nonce?.startsWith('r=') ||
    !proof?.startsWith('p=')
  ) {
    throw malformed('expected c=, r= and p=');
  }
  const extensions = parts.slice(2, -1);
  const proof64 = proof.slice(2);
  if (
    !BASE64.test(binding.slice(2)) ||
    !BASE64.test(proof64) ||
    !extensions.every((e) => EXTENSION.test(e))
  ) {
    throw malformed('bad base64 or extension');
  }
  return {
    channelBinding: binding.slice(2),
    nonce: nonce.slice(2),
    proof: Buffer.from(proof64, 'base64'),
    withoutProof: parts.slice(0, -1).join(','),
  };
}

// saslname: no ',' (already split on), '=' only as =2C or =3D, no NUL, not empty.
function decodeSaslName(raw: string): string {
  if (raw === '' || raw.includes('\0') || /=(?!2C|3D)/.test(raw)) {
    throw malformed('bad saslname');
  }
  return raw.replace(/=2C|=3D/g, (escape) => (escape === '=2C' ? ',' : '='));
}

function malformed(reason: string): SaslError {
  return new SaslError('malformed-request', reason);
}
