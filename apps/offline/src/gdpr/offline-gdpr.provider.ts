import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { OfflineMessageRepository } from '../offline/offline-message.repository';
import { preparedSubject } from './subject-jid';

/** What the offline service holds about a person: MongooseIM's `offline` dataset. */
export const OFFLINE_DATASETS: DatasetDescription[] = [
  { name: 'offline', columns: ['timestamp', 'from', 'to', 'packet'] },
];

export type OfflineGdprRecords = Pick<
  OfflineMessageRepository,
  'page' | 'deleteAll' | 'countSentBy'
>;

const PAGE_SIZE = 200;

/** The offline service's answers to GDPR collect and forget. */
@Injectable()
export class OfflineGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('offline-gdpr');

  constructor(@Inject(OfflineMessageRepository) private readonly records: OfflineGdprRecords) {}

  /** The messages waiting for the subject, oldest first. */
  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const owner = preparedSubject(subject);
    if (owner === null) {
      return;
    }
    let afterSeq = 0;
    for (;;) {
      const messages = await this.records.page(owner, afterSeq, PAGE_SIZE);
      if (messages.length > 0) {
        yield {
          dataset: 'offline',
          rows: messages.map((message) => ({
            timestamp: message.acceptedAt.toISOString(),
            from: message.sender,
            to: message.owner,
            packet: message.stanza,
          })),
        };
      }
      if (messages.length < PAGE_SIZE) {
        return;
      }
      afterSeq = messages[messages.length - 1].seq;
    }
  }

  /**
   * Deletes the messages waiting for the subject. What the subject sent to others waits in their
   * storage and is theirs to receive: it is kept, and counted.
   */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const owner = preparedSubject(subject);
    if (owner === null) {
      return [{ name: 'offline', deleted: 0, kept: 0 }];
    }
    const deleted = await this.records.deleteAll(owner);
    const kept = await this.records.countSentBy(owner);
    if (deleted > 0) {
      this.logger.debug(`forgot the offline messages of ${pseudonym(owner)}`);
    }
    return [
      {
        name: 'offline',
        deleted,
        kept,
        ...(kept > 0
          ? {
              keptReason:
                'messages the subject sent that wait in other users’ offline storage belong to their recipients',
            }
          : {}),
      },
    ];
  }
}
