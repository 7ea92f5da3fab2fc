import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ServiceFeatures } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import type { IqHandler } from './iq-handler';
import { IqServer } from './iq-server';
import { StanzaSender } from './stanza-sender';

export interface XmppServiceOptions extends Omit<ServiceFeatures, 'iqNamespaces'> {
  domain: string;
  /** Handlers of IQs to the server and to accounts; their namespaces are forwarded here. */
  handlers: Type<IqHandler>[];
  /**
   * Handlers of IQs addressed to one of `subdomains` only (e.g. disco#info of `pubsub.<domain>`);
   * for a namespace in both lists, the component's handler answers the component's IQs.
   */
  componentHandlers?: Type<IqHandler>[];
}

const OPTIONS = Symbol('XMPP_SERVICE_OPTIONS');

@Injectable()
class IqServerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: IqServer;

  constructor(
    private readonly nats: NatsClient,
    private readonly moduleRef: ModuleRef,
    @Inject(OPTIONS) private readonly options: XmppServiceOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const resolve = (type: Type<IqHandler>) => this.moduleRef.get(type, { strict: false });
    const handlers = this.options.handlers.map(resolve);
    const componentHandlers = (this.options.componentHandlers ?? []).map(resolve);
    const { domain, serverFeatures, accountFeatures, accountIdentities, subdomains, service } =
      this.options;
    const features: ServiceFeatures = {
      service,
      serverFeatures,
      accountFeatures,
      iqNamespaces: handlers.map((h) => h.namespace),
      ...(accountIdentities ? { accountIdentities } : {}),
      ...(subdomains ? { subdomains } : {}),
    };
    this.server = new IqServer(this.nats, features, handlers, domain, componentHandlers);
    await this.server.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.stop();
  }
}

/** Makes a Nest app an XMPP feature service: its IQ handlers served, its features published. */
@Module({})
export class XmppServiceModule {
  static forService(options: XmppServiceOptions): DynamicModule {
    return {
      module: XmppServiceModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: StanzaSender,
          useFactory: (nats: NatsClient) => new StanzaSender(nats),
          inject: [NatsClient],
        },
        IqServerLifecycle,
      ],
      exports: [StanzaSender],
    };
  }
}
