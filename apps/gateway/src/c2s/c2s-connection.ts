import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { SessionRecord } from '@sotto/contracts';
import { RpcError } from '@sotto/nats';
import { SaslError, type SaslFailure } from '@sotto/scram';
import {
  JidError,
  NS_BIND,
  NS_CLIENT,
  NS_SASL,
  NS_TLS,
  StanzaError,
  StreamError,
  errorReply,
  prepDomainpart,
  prepResourcepart,
  xml,
  type Element,
} from '@sotto/xmpp';
import type { ActiveSession } from '../sessions/active-session';
import type { TransportEvents, XmppTransport } from '../transport/xmpp-transport';
import type { C2SDependencies } from './c2s-dependencies';
import { SaslNegotiation, offeredMechanisms, type SaslStep } from './sasl-negotiation';
import { bindFeatures, saslFeatures, tlsFeatures } from './stream-features';

type Stage = 'tls' | 'sasl' | 'bind' | 'active';

const logger = new Logger('c2s');

/**
 * One client stream from its header to its end (RFC 6120 §4–§7): STARTTLS, SASL, resource
 * binding, then stanzas handed to the router. Elements are handled strictly in arrival order.
 */
export class C2SConnection implements TransportEvents, ActiveSession {
  private stage: Stage;
  private awaitingHeader = true;
  private ended = false;
  private queue: Promise<void> = Promise.resolve();
  private sasl?: SaslNegotiation;
  private authFailures = 0;
  private account?: string;
  private boundResource?: string;
  private revision = 0;
  private recordWrites: Promise<void> = Promise.resolve();
  private written?: SessionRecord;
  private readonly negotiationTimer: NodeJS.Timeout;
  record: SessionRecord = {
    jid: 'unbound@unbound/unbound',
    gateway: '',
    available: false,
    priority: 0,
    boundAt: 0,
  };

  constructor(
    private readonly transport: XmppTransport,
    private readonly deps: C2SDependencies,
  ) {
    this.stage = transport.canStartTls ? 'tls' : 'sasl';
    transport.attach(this);
    this.negotiationTimer = setTimeout(
      () => this.end(new StreamError('connection-timeout', 'authenticate and bind in time')),
      deps.config.NEGOTIATION_TIMEOUT_MS,
    ).unref();
  }

  get bareJid(): string {
    return this.account ?? '';
  }

  get resource(): string {
    return this.boundResource ?? '';
  }

  get fullJid(): string {
    return `${this.bareJid}/${this.resource}`;
  }

  deliver(data: string): void {
    this.transport.send(data);
  }

  end(error: StreamError): void {
    this.transport.close(error);
  }

  get rosterInterested(): boolean {
    return this.record.rosterInterested === true;
  }

  setPresence(state: { available: boolean; priority: number; presence?: string }): Promise<void> {
    // Directed presence is remembered only while the resource is available (RFC 6121 §4.6.3).
    const directedTo = state.available ? this.record.directedTo : undefined;
    return this.writeRecord({ ...this.record, ...state, presence: state.presence, directedTo });
  }

  setCaps(caps: string): Promise<void> {
    return this.writeRecord({ ...this.record, caps });
  }

  setRosterInterested(): Promise<void> {
    return this.rosterInterested
      ? this.recordWrites
      : this.writeRecord({ ...this.record, rosterInterested: true });
  }

  setDirectedTo(jids: readonly string[]): Promise<void> {
    return this.writeRecord({
      ...this.record,
      directedTo: jids.length > 0 ? [...jids] : undefined,
    });
  }

  // Writes run one after another, each with the latest record: the caps learned from an IQ
  // answer may be written while a presence is, and a compare-and-set must not lose either.
  private writeRecord(record: SessionRecord): Promise<void> {
    this.record = record;
    const write = this.recordWrites.then(async () => {
      if (this.written === this.record) {
        return;
      }
      const latest = this.record;
      const revision = await this.deps.registry.update(
        this.bareJid,
        this.resource,
        latest,
        this.revision,
      );
      if (revision !== undefined) {
        this.revision = revision;
        this.written = latest;
      }
    });
    this.recordWrites = write.catch(() => undefined);
    return write;
  }

  // ---- transport events -------------------------------------------------------------------

  onStreamOpen(attrs: Record<string, string>): void {
    this.enqueue(() => this.openStream(attrs));
  }

  onElement(element: Element): void {
    this.enqueue(() => this.handle(element));
  }

  onStreamClose(): void {
    this.transport.close();
  }

  onError(error: StreamError): void {
    this.end(error);
  }

  onDisconnect(): void {
    this.ended = true;
    clearTimeout(this.negotiationTimer);
    this.enqueue(() => this.cleanUp());
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    if (error instanceof StreamError) {
      this.end(error);
      return;
    }
    logger.error(`connection failed: ${error instanceof Error ? error.name : typeof error}`);
    this.end(new StreamError('internal-server-error'));
  }

  // ---- stream negotiation -----------------------------------------------------------------

  private openStream(attrs: Record<string, string>): void {
    if (this.ended) {
      return;
    }
    if (!this.awaitingHeader) {
      throw new StreamError('bad-format', 'unexpected stream header');
    }
    const domain = this.deps.config.XMPP_DOMAIN;
    this.awaitingHeader = false;
    this.transport.openStream({
      from: domain,
      id: randomBytes(12).toString('base64url'),
      version: '1.0',
      'xml:lang': 'en',
    });
    if (attrs.version === undefined || !attrs.version.startsWith('1.')) {
      throw new StreamError('unsupported-version');
    }
    if (attrs.to !== undefined && !sameDomain(attrs.to, domain)) {
      throw new StreamError('host-unknown');
    }
    const secure = this.transport.secure;
    switch (this.stage) {
      case 'tls':
        this.transport.send(tlsFeatures());
        return;
      case 'sasl':
        this.transport.send(saslFeatures(offeredMechanisms(secure)));
        return;
      case 'bind':
        this.transport.send(
          bindFeatures(this.deps.features.serviceFor('jabber:iq:roster') !== undefined),
        );
        return;
      case 'active':
        throw new StreamError('bad-format', 'stream restarted after binding');
    }
  }

  private async handle(element: Element): Promise<void> {
    if (this.ended) {
      return;
    }
    if (this.awaitingHeader) {
      throw new StreamError('bad-format', 'an element before the stream header');
    }
    switch (this.stage) {
      case 'tls':
        return this.handleBeforeTls(element);
      case 'sasl':
        return this.handleSasl(element);
      case 'bind':
        return this.handleBind(element);
      case 'active':
        return this.deps.router.route(this, element);
    }
  }

  private async handleBeforeTls(element: Element): Promise<void> {
    if (element.xmlns === NS_TLS && element.name === 'starttls') {
      this.transport.send(xml('proceed', { xmlns: NS_TLS }).toString());
      this.awaitingHeader = true;
      this.stage = 'sasl';
      await this.transport.startTls();
      return;
    }
    if (element.xmlns === NS_SASL && element.name === 'auth') {
      this.sendSaslFailure('encryption-required');
      return;
    }
    refuseBeforeAuth(element);
  }

  private async handleSasl(element: Element): Promise<void> {
    if (element.xmlns !== NS_SASL) {
      refuseBeforeAuth(element);
    }
    try {
      switch (element.name) {
        case 'auth':
          return await this.startSasl(element);
        case 'response':
          if (!this.sasl) {
            throw new SaslError('malformed-request', 'no exchange in progress');
          }
          return this.saslStep(await this.sasl.step(decodeSaslPayload(element.text())));
        case 'abort':
          throw new SaslError('aborted');
        default:
          throw new StreamError('unsupported-stanza-type');
      }
    } catch (error) {
      if (!(error instanceof SaslError)) {
        throw error;
      }
      this.saslFailed(error.condition);
    }
  }

  private async startSasl(auth: Element): Promise<void> {
    const mechanism = auth.attrs.mechanism ?? '';
    if (!offeredMechanisms(this.transport.secure).includes(mechanism)) {
      throw new SaslError('invalid-mechanism');
    }
    this.sasl = new SaslNegotiation(mechanism, this.deps.nats, this.deps.config.XMPP_DOMAIN);
    const text = auth.text();
    // An empty <auth/> carries no initial response; '=' is an empty one (RFC 6120 §6.4.2).
    const initial = text === '' ? undefined : decodeSaslPayload(text);
    this.saslStep(await this.sasl.start(initial));
  }

  private saslStep(step: SaslStep): void {
    if (step.kind === 'challenge') {
      const data = step.data === '' ? undefined : Buffer.from(step.data).toString('base64');
      this.transport.send(xml('challenge', { xmlns: NS_SASL }, data).toString());
      return;
    }
    const data = step.data === undefined ? undefined : Buffer.from(step.data).toString('base64');
    this.transport.send(xml('success', { xmlns: NS_SASL }, data).toString());
    this.sasl = undefined;
    this.account = step.bareJid;
    this.stage = 'bind';
    this.awaitingHeader = true;
    this.transport.restartStream();
  }

  private saslFailed(condition: SaslFailure): void {
    this.sasl = undefined;
    this.authFailures += 1;
    this.sendSaslFailure(condition);
    if (this.authFailures >= this.deps.config.MAX_AUTH_ATTEMPTS) {
      this.end(new StreamError('policy-violation', 'too many failed authentication attempts'));
    }
  }

  private sendSaslFailure(condition: SaslFailure): void {
    this.transport.send(xml('failure', { xmlns: NS_SASL }, xml(condition)).toString());
  }

  private async handleBind(element: Element): Promise<void> {
    const bind = element.getChild('bind', NS_BIND);
    if (
      element.xmlns !== NS_CLIENT ||
      element.name !== 'iq' ||
      element.attrs.type !== 'set' ||
      !bind
    ) {
      // RFC 6120 §7.1: nothing is processed before a resource is bound.
      throw new StreamError('not-authorized', 'bind a resource first');
    }
    let resource: string;
    try {
      const requested = bind.getChildText('resource', NS_BIND);
      resource = requested ? prepResourcepart(requested) : randomBytes(9).toString('base64url');
    } catch (error) {
      if (!(error instanceof JidError)) {
        throw error;
      }
      this.deliver(
        errorReply(element, new StanzaError('bad-request', 'invalid resource')).toString(),
      );
      return;
    }
    const bareJid = this.bareJid;
    const existing = this.deps.registry.find(bareJid, resource);
    if (existing) {
      // Resource conflict: the newer session wins (RFC 6120 §7.7.2.2, "override").
      await this.deps.delivery.kick(existing);
    }
    if (this.ended) {
      return;
    }
    const record: SessionRecord = {
      jid: `${bareJid}/${resource}`,
      gateway: this.deps.registry.gatewayId,
      available: false,
      priority: 0,
      boundAt: Date.now(),
    };
    this.boundResource = resource;
    this.record = record;
    this.revision = await this.deps.registry.claim(bareJid, resource, record);
    this.deps.local.add(this);
    // From here on a disconnect releases the record, whatever the check below decides.
    this.stage = 'active';
    if (!(await this.loginStillAllowed()) || this.ended) {
      return;
    }
    clearTimeout(this.negotiationTimer);
    const result = xml(
      'iq',
      { xmlns: NS_CLIENT, type: 'result', id: element.attrs.id },
      xml('bind', { xmlns: NS_BIND }, xml('jid', {}, record.jid)),
    );
    this.deliver(result.toString());
    logger.debug(`session bound on ${this.transport.kind}`);
  }

  /**
   * Closes the race between this login and an erasure: SASL may have run on real keys fetched a
   * moment before `accounts.disable`, whose `sessions.end` then found no session here to end.
   * The question is asked only once the session is in `local`, where the `sessions.end` handler
   * looks. `accounts.disable` commits its change before it publishes `sessions.end`, so either
   * the commit comes before this read, which answers false and the session ends here; or it
   * comes after the read, so the `sessions.end` published after it arrives after the session
   * was added to `local` and ends it there. No interleaving leaves the session open. Until the
   * answer arrives the client's stanzas wait in the queue, and it gets no bind result.
   */
  private async loginStillAllowed(): Promise<boolean> {
    let allowed: boolean;
    try {
      ({ allowed } = await this.deps.nats.request('accounts.login-allowed', {
        jid: this.bareJid,
      }));
    } catch (error) {
      if (!(error instanceof RpcError)) {
        throw error;
      }
      // Unconfirmed is refused: the client may log in again once accounts answers.
      logger.warn(`login not confirmed by accounts: ${error.code}`);
      this.end(new StreamError('internal-server-error', 'the account could not be checked'));
      return false;
    }
    if (!allowed) {
      // What `sessions.end` would have said.
      this.end(new StreamError('not-authorized'));
    }
    return allowed;
  }

  private async cleanUp(): Promise<void> {
    if (this.stage !== 'active') {
      return;
    }
    this.deps.local.remove(this);
    this.deps.presence.sessionEnded(this);
    // A write in flight would change the revision the release must name.
    await this.recordWrites;
    await this.deps.registry.release(this.bareJid, this.resource, this.revision);
  }
}

/** Before authentication only negotiation elements are accepted. */
function refuseBeforeAuth(element: Element): never {
  if (element.xmlns === NS_CLIENT) {
    throw new StreamError('not-authorized', 'authenticate first');
  }
  throw new StreamError('policy-violation', `<${element.name}/> is not allowed here`);
}

function decodeSaslPayload(text: string): Buffer {
  const trimmed = text.trim();
  if (trimmed === '=') {
    return Buffer.alloc(0);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new SaslError('incorrect-encoding');
  }
  return Buffer.from(trimmed, 'base64');
}

function sameDomain(to: string, domain: string): boolean {
  try {
    return prepDomainpart(to) === domain;
  } catch {
    return false;
  }
}
