import { describe, expect, it } from 'vitest';
import type { NatsClient } from '@sotto/nats';
import type { StreamError } from '@sotto/xmpp';
import { LocalSessions, type BoundSession } from './local-sessions';
import { SessionLifecycle } from './session-lifecycle';

class FakeSession implements BoundSession {
  readonly ended: string[] = [];
  readonly rosterInterested = false;
  constructor(readonly fullJid: string) {}
  get bareJid(): string {
    return this.fullJid.slice(0, this.fullJid.indexOf('/'));
  }
  deliver(): void {}
  end(error: StreamError): void {
    this.ended.push(error.condition);
  }
}

describe('SessionLifecycle', () => {
  it('ends every stream of its own with reset once reaped while alive, so their clients reconnect', () => {
    const local = new LocalSessions();
    const wants = new FakeSession('juliet@localhost/wants');
    const other = new FakeSession('romeo@localhost/other');
    local.add(wants);
    local.add(other);
    let reapedWhileAlive: () => void = () => undefined;
    const nats = { subscribe: () => undefined } as unknown as NatsClient;
    new SessionLifecycle(nats, local, {
      onReapedWhileAlive: (listener) => (reapedWhileAlive = listener),
    }).onModuleInit();

    reapedWhileAlive();
    expect([wants.ended, other.ended]).toEqual([['reset'], ['reset']]);
  });
});
