import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { ArchiveRepository } from '../archive/archive.repository';
import { IngestProgress } from '../ingest/ingest-progress';
import { PrefsRepository } from '../prefs/prefs.repository';
import { preparedSubject } from './subject-jid';

/**
 * What the archive holds about a person. `mam_pm` is MongooseIM's dataset of 1:1 archive
 * messages: `from` is the sender, so the owner for a message they sent and the other party for
 * one they received. `mam_prefs` (no MongooseIM equivalent) holds their XEP-0441 preferences,
 * which name the contacts they chose to archive or not.
 */
export const ARCHIVE_DATASETS: DatasetDescription[] = [
  { name: 'mam_pm', columns: ['id', 'from', 'message'] },
  { name: 'mam_prefs', columns: ['default', 'always', 'never'] },
];

export const KEPT_REASON = 'the other party’s copies of 1:1 messages';

/** Rows read per query while collecting: big enough for few round trips, small in memory. */
export const COLLECT_PAGE = 5000;

export type ArchiveRecords = Pick<
  ArchiveRepository,
  'collect' | 'deleteOwner' | 'countHeldByOthers'
>;
export type PrefsRecords = Pick<PrefsRepository, 'find' | 'delete'>;

/**
 * The archive's answers to GDPR collect and forget. Both read the subject's own archive through
 * the owner-led primary key, so they take time in proportion to the subject's messages, however
 * many other archives there are.
 */
@Injectable()
export class ArchiveGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('archive-gdpr');

  constructor(
    @Inject(ArchiveRepository) private readonly archive: ArchiveRecords,
    @Inject(PrefsRepository) private readonly prefs: PrefsRecords,
    @Inject(IngestProgress) private readonly ingest: Pick<IngestProgress, 'caughtUp'>,
  ) {}

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const jid = preparedSubject(subject);
    if (jid === null) {
      return;
    }
    // Keyset pages in archive order; the next page is read while this one is being stored.
    const started = performance.now();
    let waited = 0;
    let collected = 0;
    let next = this.archive.collect(jid, undefined, COLLECT_PAGE);
    try {
      for (;;) {
        const waiting = performance.now();
        const rows = await next;
        waited += performance.now() - waiting;
        collected += rows.length;
        const last = rows[rows.length - 1];
        if (last === undefined) {
          break;
        }
        const more = rows.length === COLLECT_PAGE;
        if (more) {
          next = this.archive.collect(jid, last.id, COLLECT_PAGE);
        }
        yield { dataset: 'mam_pm', rows };
        if (!more) {
          break;
        }
      }
    } finally {
      // Stopped early: a read still running must not end as an unhandled rejection.
      next.catch(() => undefined);
    }
    this.logger.debug(
      `collected ${collected} archived message(s) in ${Math.round(performance.now() - started)} ms ` +
        `(${Math.round(waited)} ms waiting for the database)`,
    );
    const prefs = await this.prefs.find(jid);
    if (prefs !== undefined) {
      yield {
        dataset: 'mam_prefs',
        rows: [{ default: prefs.defaultMode, always: prefs.always, never: prefs.never }],
      };
    }
  }

  /**
   * Deletes the subject's own archive and preferences. The other party's copies of the same
   * messages stay in their archives: they are reported as kept.
   */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const jid = preparedSubject(subject);
    if (jid === null) {
      return [
        { name: 'mam_pm', deleted: 0, kept: 0 },
        { name: 'mam_prefs', deleted: 0, kept: 0 },
      ];
    }
    // Messages to or from the subject accepted before now must be archived before the
    // deletion, or they would be archived after it and outlive the erasure.
    await this.ingest.caughtUp();
    const [deleted, kept, prefsDeleted] = await Promise.all([
      this.archive.deleteOwner(jid),
      this.archive.countHeldByOthers(jid),
      this.prefs.delete(jid),
    ]);
    this.logger.debug(`forgot ${deleted} archived message(s) of ${pseudonym(jid)}`);
    return [
      { name: 'mam_pm', deleted, kept, ...(kept > 0 ? { keptReason: KEPT_REASON } : {}) },
      { name: 'mam_prefs', deleted: prefsDeleted ? 1 : 0, kept: 0 },
    ];
  }
}
