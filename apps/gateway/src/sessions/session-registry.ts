import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import {
  GATEWAYS_BUCKET,
  GatewayHeartbeat,
  SESSIONS_BUCKET,
  SessionRecord,
  c2sPingSubject,
} from '@sotto/contracts';
import { NatsClient, decodeJson, encodeJson } from '@sotto/nats';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { sessionKey, userSessionsFilter } from './session-key';

type ReapListener = (record: SessionRecord) => void;

/**
 * The cluster-wide session table. It lives in a NATS KV bucket; every gateway keeps a replica
 * in memory through a watch, so routing reads no store on the delivery path. Gateways write
 * heartbeats; the sessions of a gateway that falls silent are reaped by one survivor.
 */
@Injectable()
export class SessionRegistry implements OnModuleInit, OnApplicationShutdown {
  readonly gatewayId = randomBytes(8).toString('hex');
  private readonly logger = new Logger('sessions');
  private readonly startedAt = Date.now();
  private sessions!: KV;
  private gateways!: KV;
  /** bare JID → resource → record */
  private readonly table = new Map<string, Map<string, SessionRecord>>();
  private readonly lastSeen = new Map<string, number>();
  private readonly dead = new Set<string>();
  /** Gateways whose heartbeats stopped and that are being asked whether they live. */
  private readonly probing = new Set<string>();
  private readonly reapListeners: ReapListener[] = [];
  private readonly reapedAliveListeners: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly nats: NatsClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.sessions = await this.nats.kv(SESSIONS_BUCKET, { history: 1 });
    // Reap claims and heartbeats of long-gone gateways expire on their own.
    this.gateways = await this.nats.kv(GATEWAYS_BUCKET, { history: 1, ttl: 3600_000 });
    this.nats.connection.subscribe(c2sPingSubject(this.gatewayId), {
      callback: (error, msg) => {
        if (error === null) {
          msg.respond();
        }
      },
    });
    await this.heartbeat();
    await Promise.all([
      this.follow(this.sessions, (entry) => this.applySession(entry)),
      this.follow(this.gateways, (entry) => this.applyGateway(entry)),
    ]);
    this.timers = [
      setInterval(() => void this.heartbeat(), this.config.HEARTBEAT_INTERVAL_MS),
      setInterval(() => this.sweep(), this.config.HEARTBEAT_INTERVAL_MS),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await this.gateways.delete(this.gatewayId).catch(() => undefined);
  }

  onReap(listener: ReapListener): void {
    this.reapListeners.push(listener);
  }

  /**
   * Called when another gateway took this one for dead and reaped its sessions while it lived
   * (it was cut off from the bus, or frozen, for longer than the ping could wait): its clients
   * are still connected but no longer reachable, so their streams must end for them to
   * reconnect.
   */
  onReapedWhileAlive(listener: () => void): void {
    this.reapedAliveListeners.push(listener);
  }

  /** Available-or-not sessions of a user on live gateways. */
  resourcesOf(bareJid: string): SessionRecord[] {
    const resources = this.table.get(bareJid);
    if (!resources) {
      return [];
    }
    return [...resources.values()].filter((record) => !this.dead.has(record.gateway));
  }

  find(bareJid: string, resource: string): SessionRecord | undefined {
    const record = this.table.get(bareJid)?.get(resource);
    return record && !this.dead.has(record.gateway) ? record : undefined;
  }

  /**
   * Reads a user's records from the bucket itself. Only for the path where the replica found no
   * session: a record written a moment ago may not have reached this gateway's watch yet.
   */
  async refresh(bareJid: string): Promise<void> {
    const keys = await this.sessions.keys(userSessionsFilter(bareJid));
    for await (const key of keys) {
      const entry = await this.sessions.get(key);
      if (entry?.operation === 'PUT') {
        this.applySession({ ...entry, isUpdate: true });
      }
    }
  }

  /** Writes a new or replaced session record; returns its revision for later compare-and-set. */
  async claim(bareJid: string, resource: string, record: SessionRecord): Promise<number> {
    const revision = await this.sessions.put(sessionKey(bareJid, resource), encodeJson(record));
    this.store(bareJid, resource, record);
    return revision;
  }

  /** Updates our own record unless another session took the resource over; undefined then. */
  async update(
    bareJid: string,
    resource: string,
    record: SessionRecord,
    revision: number,
  ): Promise<number | undefined> {
    try {
      const next = await this.sessions.update(
        sessionKey(bareJid, resource),
        encodeJson(record),
        revision,
      );
      this.store(bareJid, resource, record);
      return next;
    } catch {
      return undefined;
    }
  }

  /** Removes our own record; a record that a newer session wrote is left alone. */
  async release(bareJid: string, resource: string, revision: number): Promise<void> {
    try {
      await this.sessions.delete(sessionKey(bareJid, resource), { previousSeq: revision });
    } catch {
      return;
    }
    this.forget(bareJid, resource);
  }

  /** Applies news of a session's presence ahead of the watch (which confirms it shortly). */
  observe(
    fullJid: string,
    state: Pick<SessionRecord, 'available' | 'priority' | 'presence'>,
  ): void {
    const slash = fullJid.indexOf('/');
    const bareJid = fullJid.slice(0, slash);
    const resource = fullJid.slice(slash + 1);
    const record = this.table.get(bareJid)?.get(resource);
    if (record) {
      this.store(bareJid, resource, { ...record, ...state });
    }
  }

  /** A delivery found nobody listening for this gateway: stop routing to it at once. */
  markDead(gateway: string): void {
    if (gateway !== this.gatewayId) {
      this.dead.add(gateway);
    }
  }

  private async follow(kv: KV, apply: (entry: KvWatchEntry) => void): Promise<void> {
    const pending = (await kv.status()).values;
    const watch = await kv.watch({ key: '>' });
    let synced: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      synced = resolve;
    });
    if (pending === 0) {
      synced();
    }
    void (async () => {
      for await (const entry of watch) {
        apply(entry);
        if (entry.delta === 0 || entry.isUpdate) {
          synced();
        }
      }
      if (!this.stopped) {
        this.logger.error(`watch on ${kv === this.sessions ? 'sessions' : 'gateways'} ended`);
      }
    })();
    await ready;
  }

  private applySession(entry: KvWatchEntry): void {
    if (entry.operation !== 'PUT') {
      this.forgetKey(entry.key);
      return;
    }
    const parsed = SessionRecord.safeParse(decodeJson(entry.value));
    if (!parsed.success) {
      this.logger.warn('ignored an invalid session record');
      return;
    }
    const record = parsed.data;
    const slash = record.jid.indexOf('/');
    this.store(record.jid.slice(0, slash), record.jid.slice(slash + 1), record);
  }

  private applyGateway(entry: KvWatchEntry): void {
    if (entry.key.startsWith('reap.')) {
      if (entry.key === `reap.${this.gatewayId}` && entry.operation === 'PUT') {
        void this.reapedWhileAlive(entry.key);
      }
      return;
    }
    if (entry.operation === 'PUT' && GatewayHeartbeat.safeParse(decodeJson(entry.value)).success) {
      this.lastSeen.set(entry.key, Date.now());
      // A gateway that heartbeats lives, whatever was concluded before (a brief disconnection).
      this.dead.delete(entry.key);
    } else {
      this.lastSeen.delete(entry.key);
      this.markDead(entry.key);
    }
  }

  private store(bareJid: string, resource: string, record: SessionRecord): void {
    let resources = this.table.get(bareJid);
    if (!resources) {
      resources = new Map();
      this.table.set(bareJid, resources);
    }
    resources.set(resource, record);
  }

  private forget(bareJid: string, resource: string): void {
    const resources = this.table.get(bareJid);
    resources?.delete(resource);
    if (resources?.size === 0) {
      this.table.delete(bareJid);
    }
  }

  // A delete entry carries only its hashed key: find the record it names.
  private forgetKey(key: string): void {
    for (const [bareJid, resources] of this.table) {
      for (const resource of resources.keys()) {
        if (sessionKey(bareJid, resource) === key) {
          this.forget(bareJid, resource);
          return;
        }
      }
    }
  }

  private async heartbeat(): Promise<void> {
    const beat: GatewayHeartbeat = { gateway: this.gatewayId, startedAt: this.startedAt };
    try {
      await this.gateways.put(this.gatewayId, encodeJson(beat));
    } catch (error) {
      this.logger.warn(`heartbeat failed: ${(error as Error).name}`);
    }
  }

  private sweep(): void {
    const now = Date.now();
    const gateways = new Set<string>();
    for (const resources of this.table.values()) {
      for (const record of resources.values()) {
        gateways.add(record.gateway);
      }
    }
    for (const gateway of gateways) {
      if (gateway === this.gatewayId) {
        continue;
      }
      const seen = this.lastSeen.get(gateway) ?? this.startedAt;
      if (this.dead.has(gateway)) {
        void this.reap(gateway);
      } else if (now - seen > this.config.GATEWAY_DEAD_AFTER_MS && !this.probing.has(gateway)) {
        void this.confirmDeath(gateway);
      }
    }
  }

  /**
   * A gateway whose heartbeats stopped reaching this one may be dead, or alive behind a bus so
   * busy that its heartbeats come late. Reaping a live gateway's sessions would make its users
   * unreachable while they stay connected, so it is asked directly first (`c2s.ping`), with as
   * long to answer as its heartbeats had; only no answer, or nobody to answer, makes it dead.
   */
  private async confirmDeath(gateway: string): Promise<void> {
    this.probing.add(gateway);
    try {
      await this.nats.connection.request(c2sPingSubject(gateway), new Uint8Array(), {
        timeout: this.config.GATEWAY_DEAD_AFTER_MS,
      });
      this.lastSeen.set(gateway, Date.now());
    } catch {
      if (!this.stopped) {
        this.dead.add(gateway);
        await this.reap(gateway);
      }
    } finally {
      this.probing.delete(gateway);
    }
  }

  private async reapedWhileAlive(claim: string): Promise<void> {
    this.logger.warn('this gateway was taken for dead and its sessions reaped: ending its streams');
    for (const listener of this.reapedAliveListeners) {
      listener();
    }
    // Its sessions from now on are reapable again, should it really die later.
    await this.gateways.delete(claim).catch(() => undefined);
  }

  /** One survivor (the one that creates the claim key) removes a dead gateway's sessions. */
  private async reap(gateway: string): Promise<void> {
    try {
      await this.gateways.create(`reap.${gateway}`, encodeJson({ by: this.gatewayId }));
    } catch {
      return;
    }
    const orphans: SessionRecord[] = [];
    for (const [bareJid, resources] of this.table) {
      for (const [resource, record] of resources) {
        if (record.gateway === gateway) {
          orphans.push(record);
          await this.sessions.delete(sessionKey(bareJid, resource)).catch(() => undefined);
        }
      }
    }
    for (const record of orphans) {
      const slash = record.jid.indexOf('/');
      this.forget(record.jid.slice(0, slash), record.jid.slice(slash + 1));
      for (const listener of this.reapListeners) {
        listener(record);
      }
    }
    await this.gateways.delete(gateway).catch(() => undefined);
  }
}
