import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { ConsumerCatchUp } from '@sotto/nats';
import type { InboxEntry } from '../inbox/inbox-entry';
import type { InboxCursor } from '../inbox/inbox-filter';
import { InboxRepository } from '../inbox/inbox.repository';
import { dateToMicros, microsToIso } from '../query/xmpp-datetime';
import { preparedSubject } from './subject-jid';

/** What the inbox holds about a person: MongooseIM's `inbox` dataset, one row per conversation. */
export const INBOX_DATASETS: DatasetDescription[] = [
  { name: 'inbox', columns: ['jid', 'content', 'unread_count', 'timestamp'] },
];

const PAGE_SIZE = 500;
// How long an erasure waits for the inbox to apply what was accepted before it; past that the
// request fails and is retried.
const CATCH_UP_MS = 10_000;

export type InboxRecords = Pick<InboxRepository, 'collect' | 'deleteOwner' | 'countMentions'>;
export type AcceptedProgress = Pick<ConsumerCatchUp, 'caughtUp'>;

/** The inbox service's answers to GDPR collect and forget. */
@Injectable()
export class InboxGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('inbox-gdpr');

  constructor(
    @Inject(InboxRepository) private readonly records: InboxRecords,
    @Inject(ConsumerCatchUp) private readonly progress: AcceptedProgress,
  ) {}

  /** The subject's own conversations, oldest first. */
  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const owner = preparedSubject(subject);
    if (owner === null) {
      return;
    }
    let after: InboxCursor | undefined;
    for (;;) {
      const entries = await this.records.collect(owner, after, PAGE_SIZE);
      if (entries.length > 0) {
        yield { dataset: 'inbox', rows: entries.map(toRow) };
      }
      if (entries.length < PAGE_SIZE) {
        return;
      }
      const last = entries[entries.length - 1];
      after = { at: dateToMicros(last.lastAt), jid: last.remoteJid };
    }
  }

  /**
   * Deletes the subject's inbox. Others' entries of conversations with the subject stay: each
   * is the other party's own inbox (like their copy of the messages). A second call deletes
   * nothing.
   */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const owner = preparedSubject(subject);
    if (owner === null) {
      return [{ name: 'inbox', deleted: 0, kept: 0 }];
    }
    await this.progress.caughtUp(CATCH_UP_MS);
    const deleted = await this.records.deleteOwner(owner);
    const kept = await this.records.countMentions(owner);
    this.logger.debug(`forgot the inbox of ${pseudonym(owner)}`);
    return [{ name: 'inbox', deleted, kept, keptReason: 'the other party’s own inbox' }];
  }
}

function toRow(entry: InboxEntry): Record<string, unknown> {
  return {
    jid: entry.remoteJid,
    content: entry.content,
    unread_count: entry.unreadCount,
    timestamp: microsToIso(dateToMicros(entry.lastAt)),
  };
}
