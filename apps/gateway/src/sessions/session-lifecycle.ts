import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { NatsClient } from '@sotto/nats';
import { StreamError } from '@sotto/xmpp';
import { LocalSessions } from './local-sessions';
import { SessionRegistry } from './session-registry';

/**
 * Ends sessions on request of another service (account deleted), when this gateway was reaped
 * while alive, and when the process stops.
 */
@Injectable()
export class SessionLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly nats: NatsClient,
    private readonly local: LocalSessions,
    @Inject(SessionRegistry)
    private readonly registry: Pick<SessionRegistry, 'onReapedWhileAlive'>,
  ) {}

  onModuleInit(): void {
    this.nats.subscribe('sessions.end', ({ jid, condition }) => {
      for (const session of this.local.ofUser(jid)) {
        session.end(new StreamError(condition));
      }
    });
    // No other gateway routes to these sessions any more: their clients reconnect, bind again
    // and get what was stored for them meanwhile.
    this.registry.onReapedWhileAlive(() => {
      for (const session of this.local.all()) {
        session.end(new StreamError('reset', 'the session was lost; connect again'));
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const sessions = this.local.all();
    for (const session of sessions) {
      session.end(new StreamError('system-shutdown'));
    }
    if (sessions.length > 0) {
      // Let the ended sessions remove their records while NATS is still connected.
      await sleep(300);
    }
  }
}
