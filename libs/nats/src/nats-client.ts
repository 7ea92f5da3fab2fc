import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';
import {
  eventContracts,
  rpcContracts,
  rpcReplySchema,
  type EventPayload,
  type EventSubject,
  type RpcReply,
  type RpcRequest,
  type RpcResult,
  type RpcSubject,
} from '@sotto/contracts';
import { decodeJson, encodeJson } from './codec';
import { isNoResponders, isTimeout } from './request-errors';
import { errorName } from './retry';
import { RpcError } from './rpc-error';

export interface NatsClientOptions {
  url: string;
  /** Connection name shown by the NATS server; never a user identifier. */
  name: string;
}

/**
 * The one NATS connection of a process, with typed request/reply and events: every payload is
 * validated against its contract on both sides, so a handler gets exactly its payload type.
 */
export class NatsClient implements OnApplicationShutdown {
  private readonly logger = new Logger('nats');

  private constructor(readonly connection: NatsConnection) {}

  static async connect(options: NatsClientOptions): Promise<NatsClient> {
    const connection = await connect({
      servers: options.url,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    return new NatsClient(connection);
  }

  /** Sends a request and returns its validated result; throws `RpcError` for error replies. */
  async request<S extends RpcSubject>(
    subject: S,
    request: RpcRequest<S>,
    timeoutMs = 5000,
  ): Promise<RpcResult<S>> {
    let reply: Msg;
    try {
      reply = await this.connection.request(subject, encodeJson(request), { timeout: timeoutMs });
    } catch (error) {
      if (isNoResponders(error)) {
        throw new RpcError('unavailable', `no service answers ${subject}`);
      }
      if (isTimeout(error)) {
        throw new RpcError('timeout', `${subject} did not answer within ${timeoutMs} ms`);
      }
      throw error;
    }
    const parsed = rpcReplySchema(rpcContracts[subject].result).safeParse(decodeJson(reply.data));
    if (!parsed.success) {
      throw new RpcError('internal', `${subject} answered with an invalid reply`);
    }
    const envelope = parsed.data as RpcReply<RpcResult<S>>;
    if (!envelope.ok) {
      throw new RpcError(envelope.error.code, envelope.error.message);
    }
    return envelope.result;
  }

  /** Serves a subject in a queue group; the request is validated before `handler` sees it. */
  serve<S extends RpcSubject>(
    subject: S,
    queue: string,
    handler: (request: RpcRequest<S>) => Promise<RpcResult<S>>,
  ): Subscription {
    const contract = rpcContracts[subject];
    return this.connection.subscribe(subject, {
      queue,
      callback: (error, msg) => {
        if (error) {
          this.logger.error(`subscription to ${subject} failed: ${error.message}`);
          return;
        }
        void this.answer(subject, msg, contract.request, handler);
      },
    });
  }

  private async answer<S extends RpcSubject>(
    subject: S,
    msg: Msg,
    schema: (typeof rpcContracts)[S]['request'],
    handler: (request: RpcRequest<S>) => Promise<RpcResult<S>>,
  ): Promise<void> {
    let reply: RpcReply<RpcResult<S>>;
    const parsed = schema.safeParse(decodeJson(msg.data));
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      reply = { ok: false, error: { code: 'bad-request', message: reason } };
    } else {
      try {
        reply = { ok: true, result: await handler(parsed.data as RpcRequest<S>) };
      } catch (error) {
        if (error instanceof RpcError && error.code !== 'unavailable' && error.code !== 'timeout') {
          reply = { ok: false, error: { code: error.code, message: error.message } };
        } else {
          this.logger.error(`handler for ${subject} failed: ${errorName(error)}`);
          reply = { ok: false, error: { code: 'internal', message: 'internal error' } };
        }
      }
    }
    if (msg.reply) {
      msg.respond(encodeJson(reply));
    }
  }

  publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): void {
    this.connection.publish(subject, encodeJson(eventContracts[subject].parse(payload)));
  }

  /**
   * Subscribes every replica, or one replica of a queue group when `queue` is given; invalid
   * payloads are dropped with a warning.
   */
  subscribe<S extends EventSubject>(
    subject: S,
    handler: (payload: EventPayload<S>) => Promise<void> | void,
    options: { queue?: string } = {},
  ): Subscription {
    const schema = eventContracts[subject];
    return this.connection.subscribe(subject, {
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      callback: (error, msg) => {
        if (error) {
          this.logger.error(`subscription to ${subject} failed: ${error.message}`);
          return;
        }
        const parsed = schema.safeParse(decodeJson(msg.data));
        if (!parsed.success) {
          this.logger.warn(`dropped an invalid ${subject} event`);
          return;
        }
        Promise.resolve(handler(parsed.data as EventPayload<S>)).catch((err: unknown) => {
          this.logger.error(`handler for ${subject} failed: ${errorName(err)}`);
        });
      },
    });
  }

  /** Opens a KV bucket, creating it with `options` when it does not exist yet. */
  async kv(bucket: string, options: Partial<KvOptions> = {}): Promise<KV> {
    return new Kvm(this.connection).create(bucket, options);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection.isClosed()) {
      await this.connection.drain();
    }
  }
}
