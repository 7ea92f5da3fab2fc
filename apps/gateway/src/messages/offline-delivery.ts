import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { NatsClient } from '@sotto/nats';
import type { ActiveSession } from '../sessions/active-session';
import { LocalSessions } from '../sessions/local-sessions';

// Messages asked for at once; a user's whole storage goes out page by page.
const PAGE_SIZE = 100;

/**
 * XEP-0160 §2: the messages stored while a user was offline go to the first resource that
 * becomes available with a non-negative priority, oldest first, each with its delay stamp. A
 * message is removed from storage only after it was handed to the session, so one that could
 * not be delivered stays for the next time.
 */
@Injectable()
export class OfflineDelivery {
  private readonly logger = new Logger('offline-delivery');
  // One delivery per user at a time on this gateway: a second resource coming up meanwhile
  // finds what the first one took already removed.
  private readonly inProgress = new Map<string, Promise<void>>();

  constructor(
    private readonly nats: NatsClient,
    private readonly local: LocalSessions,
  ) {}

  /** Starts delivering the stored messages to `session` in the background; never rejects. */
  deliverStored(session: ActiveSession): void {
    const bareJid = session.bareJid;
    const previous = this.inProgress.get(bareJid) ?? Promise.resolve();
    const next = previous
      .then(() => this.deliverAll(session))
      .catch((error: unknown) => {
        // The offline service is away or slow: the messages stay stored for the next login.
        this.logger.warn(
          `stored messages not delivered now: ${error instanceof Error ? error.name : typeof error}`,
        );
      })
      .finally(() => {
        if (this.inProgress.get(bareJid) === next) {
          this.inProgress.delete(bareJid);
        }
      });
    this.inProgress.set(bareJid, next);
  }

  private async deliverAll(session: ActiveSession): Promise<void> {
    const jid = session.bareJid;
    // This run's lease: a resource of the same user coming online on another gateway at the
    // same moment finds the messages taken and leaves them to this run.
    const lease = randomUUID();
    let released = false;
    // Guards against a remove that did not take: never the same message twice, never a loop.
    const delivered = new Set<string>();
    try {
      for (;;) {
        const page = await this.nats.request('offline.fetch', { jid, max: PAGE_SIZE, lease });
        if (page.leased === false) {
          released = true; // nothing of ours to release
          return;
        }
        const fresh = page.messages.filter((message) => !delivered.has(message.id));
        const ids: string[] = [];
        for (const message of fresh) {
          if (!this.connected(session)) {
            break;
          }
          session.deliver(message.stanza);
          ids.push(message.id);
          delivered.add(message.id);
        }
        const last = ids.length < PAGE_SIZE || fresh.length < page.messages.length;
        if (ids.length > 0 || last) {
          await this.nats.request('offline.remove', {
            jid,
            ids,
            ...(last ? { release: lease } : {}),
          });
          released = last;
        }
        if (last) {
          return;
        }
      }
    } finally {
      if (!released) {
        // Failed mid-run: free the messages for the next run now rather than when the lease
        // expires. If this fails too, the lease still expires on its own.
        await this.nats
          .request('offline.remove', { jid, ids: [], release: lease })
          .catch(() => undefined);
      }
    }
  }

  private connected(session: ActiveSession): boolean {
    return this.local.get(session.fullJid) === session;
  }
}
