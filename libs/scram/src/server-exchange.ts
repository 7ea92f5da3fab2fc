import { randomBytes } from 'node:crypto';
import type { ScramCredentials } from './credentials';
import { h, hmac, safeEqual, xor, type ScramHash } from './hash';
import { parseClientFinal, type ClientFirst } from './messages';
import { SaslError } from './sasl-error';

/** Server side of one exchange, after the client-first message. */
export class ScramServerExchange {
  private readonly nonce: string;
  private readonly serverFirstMessage: string;
  private finished = false;

  constructor(
    private readonly hash: ScramHash,
    private readonly clientFirst: ClientFirst,
    private readonly credentials: ScramCredentials,
    serverNonce: string = randomBytes(18).toString('base64'),
  ) {
    this.nonce = clientFirst.clientNonce + serverNonce;
    this.serverFirstMessage = `r=${this.nonce},s=${credentials.salt.toString('base64')},i=${credentials.iterations}`;
  }

  serverFirst(): string {
    return this.serverFirstMessage;
  }

  /** Checks channel binding echo (c= must be base64 of the gs2 header), nonce, and ClientProof; returns the server-final message `v=<b64 ServerSignature>`. Throws SaslError('not-authorized') on a bad proof, 'malformed-request' on syntax. Constant-time comparisons. */
  finish(clientFinal: string): string {
    // One proof per exchange: a second try must start over with a fresh server nonce.
    if (this.finished) {
      throw new SaslError('malformed-request', 'exchange already finished');
    }
    this.finished = true;
    const final = parseClientFinal(clientFinal);
    const expectedBinding = Buffer.from(this.clientFirst.gs2Header, 'utf8').toString('base64');
    if (!safeEqual(Buffer.from(final.channelBinding), Buffer.from(expectedBinding))) {
      throw new SaslError('malformed-request', 'channel binding does not match the gs2 header');
    }
    if (!safeEqual(Buffer.from(final.nonce), Buffer.from(this.nonce))) {
      throw new SaslError('malformed-request', 'nonce mismatch');
    }
    const authMessage = `${this.clientFirst.clientFirstBare},${this.serverFirstMessage},${final.withoutProof}`;
    const { storedKey, serverKey } = this.credentials;
    if (final.proof.length !== storedKey.length) {
      throw new SaslError('not-authorized');
    }
    const clientKey = xor(final.proof, hmac(this.hash, storedKey, authMessage));
    if (!safeEqual(h(this.hash, clientKey), storedKey)) {
      throw new SaslError('not-authorized');
    }
    return `v=${hmac(this.hash, serverKey, authMessage).toString('base64')}`;
  }
}
