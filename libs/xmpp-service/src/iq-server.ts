import { Logger } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import {
  FEATURES_BUCKET,
  IqRequest,
  iqSubject,
  type IqReply,
  type ServiceFeatures,
} from '@sotto/contracts';
import { NatsClient, decodeJson, encodeJson } from '@sotto/nats';
import {
  Jid,
  JidError,
  StanzaError,
  StreamError,
  errorReply,
  iqResult,
  parseFrame,
  type Element,
} from '@sotto/xmpp';
import type { IqContext, IqHandler } from './iq-handler';

// IQs reach us from the gateway, which already enforced its own limits; these only guard
// against a peer on the bus that does not.
const LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 128 };

/**
 * Serves a feature service's IQs on the bus: publishes what it serves (so gateways forward the
 * namespaces to it and list its disco features), validates every request, dispatches to the
 * handler of the payload's namespace and answers with exactly one result or error.
 */
export class IqServer {
  private readonly logger: Logger;
  private readonly handlers: Map<string, IqHandler>;
  private readonly componentHandlers: Map<string, IqHandler>;
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsClient,
    private readonly features: ServiceFeatures,
    handlers: IqHandler[],
    private readonly domain: string,
    componentHandlers: IqHandler[] = [],
  ) {
    this.logger = new Logger(`${features.service}-iq`);
    this.handlers = new Map(handlers.map((handler) => [handler.namespace, handler]));
    // Component IQs (any namespace, disco included) are looked up here first; their namespaces
    // are not published, so the gateway does not send the server's or accounts' IQs of them.
    this.componentHandlers = new Map(componentHandlers.map((h) => [h.namespace, h]));
  }

  async start(): Promise<void> {
    this.subscription = this.nats.connection.subscribe(iqSubject(this.features.service), {
      queue: this.features.service,
      callback: (error, msg) => {
        if (error) {
          this.logger.error(`IQ subscription failed: ${error.message}`);
          return;
        }
        void this.answer(msg);
      },
    });
    const kv = await this.nats.kv(FEATURES_BUCKET, { history: 1 });
    await kv.put(this.features.service, encodeJson(this.features));
  }

  async stop(): Promise<void> {
    await this.subscription?.drain();
  }

  private async answer(msg: Msg): Promise<void> {
    const request = IqRequest.safeParse(decodeJson(msg.data));
    if (!request.success) {
      this.logger.warn('dropped an invalid IQ request');
      return;
    }
    let iq: Element;
    try {
      iq = parseFrame(request.data.stanza, LIMITS);
    } catch (error) {
      if (error instanceof StreamError) {
        this.logger.warn('dropped an unparsable IQ');
        return;
      }
      throw error;
    }
    const before: string[] = [];
    const answer = await this.handle(iq, request.data.from, (stanza) =>
      before.push(stanza.toString()),
    );
    const reply: IqReply = { stanza: answer.toString(), ...(before.length > 0 ? { before } : {}) };
    msg.respond(encodeJson(reply));
  }

  /** The reply to one IQ; never throws. `emit` receives the stanzas to send before it. */
  async handle(
    iq: Element,
    from: string,
    emit: (stanza: Element) => void = () => undefined,
  ): Promise<Element> {
    try {
      const context = this.context(iq, from, emit);
      const ns = context.payload.xmlns ?? '';
      const handler =
        context.component === undefined
          ? this.handlers.get(ns)
          : (this.componentHandlers.get(ns) ?? this.handlers.get(ns));
      const type = iq.attrs.type;
      if (handler?.get && type === 'get') {
        return iqResult(iq, await handler.get(context));
      }
      if (handler?.set && type === 'set') {
        return iqResult(iq, await handler.set(context));
      }
      throw new StanzaError('service-unavailable');
    } catch (error) {
      return errorReply(iq, this.asStanzaError(error), iq.attrs.to ?? this.domain);
    }
  }

  private asStanzaError(error: unknown): StanzaError {
    if (error instanceof StanzaError) {
      return error;
    }
    this.logger.error(`IQ handler failed: ${error instanceof Error ? error.name : typeof error}`);
    return new StanzaError('internal-server-error', undefined, 'wait');
  }

  /** The label of one of this service's sub-domains that `to` is addressed to, if any. */
  private subdomainOf(to: Jid): string | undefined {
    const suffix = `.${this.domain}`;
    if (!to.domain.endsWith(suffix)) {
      return undefined;
    }
    const label = to.domain.slice(0, -suffix.length);
    return this.features.subdomains?.includes(label) ? label : undefined;
  }

  private context(iq: Element, from: string, emit: (stanza: Element) => void): IqContext {
    const payloads = iq.getChildElements();
    if (payloads.length !== 1 || iq.attrs.id === undefined) {
      throw new StanzaError('bad-request', 'a get or set IQ has an id and exactly one child');
    }
    try {
      const to = iq.attrs.to === undefined ? undefined : Jid.parse(iq.attrs.to);
      const component = to === undefined ? undefined : this.subdomainOf(to);
      return {
        iq,
        payload: payloads[0],
        from: Jid.parse(from),
        to: to?.local === undefined && component === undefined ? undefined : to,
        ...(component === undefined ? {} : { component }),
        emit,
      };
    } catch (error) {
      if (error instanceof JidError) {
        throw new StanzaError('jid-malformed');
      }
      throw error;
    }
  }
}
