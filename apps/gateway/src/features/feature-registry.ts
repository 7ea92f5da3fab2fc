import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { FEATURES_BUCKET, ServiceFeatures, type DiscoIdentity } from '@sotto/contracts';
import { NatsClient, decodeJson } from '@sotto/nats';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

/**
 * What the feature services serve, replicated from their KV bucket: which service answers which
 * IQ namespace and which sub-domain (XEP-0060 §5 service JIDs), and the disco#info identities
 * and features they add to the server and to accounts.
 */
@Injectable()
export class FeatureRegistry implements OnModuleInit {
  private readonly logger = new Logger('features');
  private readonly byService = new Map<string, ServiceFeatures>();
  private byNamespace = new Map<string, string>();
  private bySubdomain = new Map<string, string>();

  constructor(
    private readonly nats: NatsClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const kv = await this.nats.kv(FEATURES_BUCKET, { history: 1 });
    const watch = await kv.watch({ key: '>' });
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') {
          this.apply(entry.key, undefined);
          continue;
        }
        const parsed = ServiceFeatures.safeParse(decodeJson(entry.value));
        if (parsed.success) {
          this.apply(parsed.data.service, parsed.data);
        } else {
          this.logger.warn('ignored invalid service features');
        }
      }
    })();
  }

  /** Applies one entry of the bucket: a service's features, or its removal (undefined). */
  apply(service: string, features: ServiceFeatures | undefined): void {
    if (features === undefined) {
      this.byService.delete(service);
    } else {
      this.byService.set(service, features);
    }
    const services = [...this.byService.values()];
    this.byNamespace = new Map(
      services.flatMap((s) => s.iqNamespaces.map((ns) => [ns, s.service] as const)),
    );
    this.bySubdomain = new Map(
      services.flatMap((s) => (s.subdomains ?? []).map((label) => [label, s.service] as const)),
    );
  }

  /** The service answering IQs whose payload is in `namespace`, if any. */
  serviceFor(namespace: string): string | undefined {
    return this.byNamespace.get(namespace);
  }

  /** The service that is the component at `domain` (`<label>.<XMPP_DOMAIN>`), if any. */
  componentAt(domain: string): string | undefined {
    const suffix = `.${this.config.XMPP_DOMAIN}`;
    if (!domain.endsWith(suffix)) {
      return undefined;
    }
    return this.bySubdomain.get(domain.slice(0, -suffix.length));
  }

  /** The JIDs of every component, for the server's disco#items. */
  components(): string[] {
    return [...this.bySubdomain.keys()].map((label) => `${label}.${this.config.XMPP_DOMAIN}`);
  }

  serverFeatures(): string[] {
    return [...this.byService.values()].flatMap((s) => s.serverFeatures);
  }

  accountFeatures(): string[] {
    return [...this.byService.values()].flatMap((s) => s.accountFeatures);
  }

  accountIdentities(): DiscoIdentity[] {
    return [...this.byService.values()].flatMap((s) => s.accountIdentities ?? []);
  }
}
