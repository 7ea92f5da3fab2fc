import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import { CAPS_BUCKET, CapsRecord, capsKey, type SessionRecord } from '@sotto/contracts';
import { NatsClient, decodeJson, encodeJson } from '@sotto/nats';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

const NOTIFY_SUFFIX = '+notify';

/** What the table says of a resource's wish for one node's notifications. */
export type NotifyInterest = 'wants' | 'not' | 'ask-holder';

/**
 * The verified entity capabilities (XEP-0115) every gateway shares, replicated from their KV
 * bucket like the session table: a client's answer is verified once, by the gateway it is on,
 * and every gateway can then tell from a session's `caps` which PEP notifications it wants.
 */
@Injectable()
export class CapsCache implements OnModuleInit {
  private readonly logger = new Logger('caps');
  private kv!: KV;
  /** capsKey → the `+notify` nodes of its features */
  private readonly notifyByKey = new Map<string, ReadonlySet<string>>();
  private full = false;

  constructor(
    private readonly nats: NatsClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Any client can add records (one verified answer each), so the bucket has a size: once it
    // is full new caps stay with their sessions, which is how things work without a cache.
    this.kv = await this.nats.kv(CAPS_BUCKET, {
      history: 1,
      max_bytes: this.config.CAPS_BUCKET_MAX_BYTES,
    });
    const watch = await this.kv.watch({ key: '>' });
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') {
          this.notifyByKey.delete(entry.key);
          continue;
        }
        const parsed = CapsRecord.safeParse(decodeJson(entry.value));
        if (parsed.success) {
          this.remember(parsed.data);
        } else {
          this.logger.warn('ignored an invalid caps record');
        }
      }
    })();
  }

  /** The `+notify` nodes of a verified caps key; undefined when this gateway does not know it. */
  notifyNodes(key: string): ReadonlySet<string> | undefined {
    return this.notifyByKey.get(key);
  }

  /**
   * Whether the resource of `record` wants notifications of `node`, as far as the table and the
   * shared caps tell; `ask-holder` when only its gateway knows (unverified caps, or a record
   * that has not reached this gateway yet).
   */
  interest(record: SessionRecord, node: string): NotifyInterest {
    if (record.caps === undefined) {
      return 'not';
    }
    const nodes = this.notifyByKey.get(record.caps);
    if (nodes === undefined) {
      return 'ask-holder';
    }
    return nodes.has(node) ? 'wants' : 'not';
  }

  /**
   * Shares a verified record; resolves false when the bucket refused it (full, or away): the
   * caller then keeps the caps with the session, and this gateway does not hold on to them
   * either, so its memory stays bounded by the bucket's size.
   */
  async put(record: CapsRecord): Promise<boolean> {
    try {
      await this.kv.put(capsKey(record.hash, record.ver), encodeJson(record));
      // Known here at once; the watch brings the same record a moment later.
      this.remember(record);
      this.full = false;
      return true;
    } catch (error) {
      // Once per episode: a full bucket would warn at every new client version.
      if (!this.full) {
        this.full = true;
        this.logger.warn(
          `caps not shared, kept per session: ${error instanceof Error ? error.name : typeof error}`,
        );
      }
      return false;
    }
  }

  private remember(record: CapsRecord): void {
    this.notifyByKey.set(capsKey(record.hash, record.ver), notifyNodesOf(record.features));
  }
}

/** The nodes whose notifications a feature list asks for (XEP-0163 §4.3.3), suffix removed. */
export function notifyNodesOf(features: readonly string[]): ReadonlySet<string> {
  return new Set(
    features
      .filter((feature) => feature.endsWith(NOTIFY_SUFFIX) && feature.length > NOTIFY_SUFFIX.length)
      .map((feature) => feature.slice(0, -NOTIFY_SUFFIX.length)),
  );
}
