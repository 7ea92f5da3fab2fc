import type { ScramMechanism } from '@sotto/contracts';
import { NatsClient, RpcError } from '@sotto/nats';
import {
  ScramServerExchange,
  SaslError,
  mechanismHash,
  parseClientFirst,
  verifyPassword,
  type ScramCredentials,
} from '@sotto/scram';
import { Jid, JidError } from '@sotto/xmpp';

export type SaslStep =
  { kind: 'challenge'; data: string } | { kind: 'success'; data?: string; bareJid: string };

const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];

/** Mechanisms offered on a stream: PLAIN only where the stream is confidential. */
export function offeredMechanisms(secure: boolean): string[] {
  return secure ? [...SCRAM_MECHANISMS, 'PLAIN'] : [...SCRAM_MECHANISMS];
}

/**
 * One SASL exchange (RFC 6120 §6). SCRAM runs here, in the gateway, on salted credentials the
 * accounts service hands out; the gateway never sees a stored password because none exists.
 */
export class SaslNegotiation {
  private scram?: { exchange: ScramServerExchange; bareJid: string };

  constructor(
    private readonly mechanism: string,
    private readonly nats: NatsClient,
    private readonly domain: string,
  ) {}

  async start(initialResponse: Buffer | undefined): Promise<SaslStep> {
    if (initialResponse === undefined) {
      // No initial response: ask for it with an empty challenge (RFC 6120 §6.4.2).
      return { kind: 'challenge', data: '' };
    }
    return this.step(initialResponse);
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.mechanism === 'PLAIN') {
      return this.plain(response);
    }
    if (!this.scram) {
      return this.scramFirst(response);
    }
    const serverFinal = this.scram.exchange.finish(response.toString('utf8'));
    return { kind: 'success', data: serverFinal, bareJid: this.scram.bareJid };
  }

  private async scramFirst(response: Buffer): Promise<SaslStep> {
    const mechanism = this.mechanism as ScramMechanism;
    const clientFirst = parseClientFirst(response.toString('utf8'));
    const bareJid = this.accountJid(clientFirst.username);
    if (clientFirst.authzid !== undefined && clientFirst.authzid !== bareJid) {
      throw new SaslError('invalid-authzid');
    }
    const credentials = await this.credentials(bareJid, mechanism);
    const exchange = new ScramServerExchange(mechanismHash(mechanism), clientFirst, credentials);
    this.scram = { exchange, bareJid };
    return { kind: 'challenge', data: exchange.serverFirst() };
  }

  private async plain(response: Buffer): Promise<SaslStep> {
    // RFC 4616: [authzid] NUL authcid NUL passwd
    const parts = response.toString('utf8').split('\0');
    if (parts.length !== 3 || !parts[1] || !parts[2]) {
      throw new SaslError('malformed-request');
    }
    const [authzid, authcid, password] = parts as [string, string, string];
    const bareJid = this.accountJid(authcid);
    if (authzid !== '' && authzid !== bareJid) {
      throw new SaslError('invalid-authzid');
    }
    const credentials = await this.credentials(bareJid, 'SCRAM-SHA-256');
    if (!(await verifyPassword(password, credentials, 'sha256'))) {
      throw new SaslError('not-authorized');
    }
    return { kind: 'success', bareJid };
  }

  /** The SASL username is a localpart (or a bare JID of our domain). */
  private accountJid(username: string): string {
    try {
      const jid = username.includes('@') ? Jid.parse(username) : Jid.of(username, this.domain);
      if (!jid.isBare() || jid.domain !== this.domain || !jid.local) {
        throw new SaslError('not-authorized');
      }
      return jid.bareString();
    } catch (error) {
      if (error instanceof JidError) {
        throw new SaslError('not-authorized');
      }
      throw error;
    }
  }

  private async credentials(bareJid: string, mechanism: ScramMechanism): Promise<ScramCredentials> {
    try {
      const result = await this.nats.request('accounts.scram-credentials', {
        jid: bareJid,
        mechanism,
      });
      return {
        salt: Buffer.from(result.salt, 'base64'),
        iterations: result.iterations,
        storedKey: Buffer.from(result.storedKey, 'base64'),
        serverKey: Buffer.from(result.serverKey, 'base64'),
      };
    } catch (error) {
      if (error instanceof RpcError) {
        throw new SaslError('temporary-auth-failure');
      }
      throw error;
    }
  }
}
