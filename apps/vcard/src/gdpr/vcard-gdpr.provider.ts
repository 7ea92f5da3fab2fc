import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { VcardRepository } from '../vcard/vcard.repository';
import { preparedSubject } from './subject-jid';

/** What the vCard service holds about a person: MongooseIM's `vcard` dataset. */
export const VCARD_DATASETS: DatasetDescription[] = [{ name: 'vcard', columns: ['jid', 'vcard'] }];

export type VcardRecords = Pick<VcardRepository, 'find' | 'delete'>;

/** The vCard service's answers to GDPR collect and forget. */
@Injectable()
export class VcardGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('vcard-gdpr');

  constructor(@Inject(VcardRepository) private readonly vcards: VcardRecords) {}

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const jid = preparedSubject(subject);
    const vcard = jid === null ? undefined : await this.vcards.find(jid);
    if (jid !== null && vcard !== undefined) {
      yield { dataset: 'vcard', rows: [{ jid, vcard }] };
    }
  }

  /** Deletes the subject's own vCard; nobody else's vCard mentions them. */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const jid = preparedSubject(subject);
    const deleted = jid !== null && (await this.vcards.delete(jid));
    if (deleted) {
      this.logger.debug(`forgot the vCard of ${pseudonym(jid)}`);
    }
    return [{ name: 'vcard', deleted: deleted ? 1 : 0, kept: 0 }];
  }
}
