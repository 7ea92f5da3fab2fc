import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { PrivateStorageRepository } from '../private-storage/private-storage.repository';
import { preparedSubject } from './subject-jid';

/** What the private storage service holds about a person: MongooseIM's `private` dataset. */
export const PRIVATE_DATASETS: DatasetDescription[] = [{ name: 'private', columns: ['ns', 'xml'] }];

export type PrivateRecords = Pick<PrivateStorageRepository, 'page' | 'deleteAll'>;

// An account may store under many namespaces; each page holds this many at most.
const PAGE_SIZE = 100;

/** The private storage service's answers to GDPR collect and forget. */
@Injectable()
export class PrivateGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('private-gdpr');

  constructor(@Inject(PrivateStorageRepository) private readonly storage: PrivateRecords) {}

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const jid = preparedSubject(subject);
    if (jid === null) {
      return;
    }
    let after: string | undefined;
    for (;;) {
      const fragments = await this.storage.page(jid, after, PAGE_SIZE);
      if (fragments.length > 0) {
        yield {
          dataset: 'private',
          rows: fragments.map(({ namespace, xml }) => ({ ns: namespace, xml })),
        };
      }
      if (fragments.length < PAGE_SIZE) {
        return;
      }
      after = fragments[fragments.length - 1].namespace;
    }
  }

  /** Deletes what the subject stored; nothing here belongs to anyone else. */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const jid = preparedSubject(subject);
    const deleted = jid === null ? 0 : await this.storage.deleteAll(jid);
    if (jid !== null && deleted > 0) {
      this.logger.debug(`forgot the private data of ${pseudonym(jid)}`);
    }
    return [{ name: 'private', deleted, kept: 0 }];
  }
}
