import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import { countLines, type GdprDataProvider, type ProvidedPage } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { ConsumerCatchUp } from '@sotto/nats';
import { ArchiveRepository } from '../archive/archive.repository';
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

/** How long a forget waits for the archive to catch up before it fails (and is retried). */
const CATCH_UP_MS = 30_000;

export const KEPT_REASON = 'the other party’s copies of 1:1 messages';

/**
 * Bytes of NDJSON per page handed on, small in memory. A page ends at the first line end past
 * this size, so it stays under the object store's chunk of 1 MiB (PostgreSQL's pieces are far
 * smaller than the 64 KiB left): each page is then one chunk, of whole lines.
 */
export const COLLECT_PAGE_BYTES = 960 * 1024;
const NEWLINE = 0x0a;

export type ArchiveRecords = Pick<
  ArchiveRepository,
  'collectNdjson' | 'deleteOwner' | 'countHeldByOthers'
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
    @Inject(ConsumerCatchUp) private readonly ingest: Pick<ConsumerCatchUp, 'caughtUp'>,
  ) {}

  async *collect(subject: string): AsyncGenerator<ProvidedPage> {
    const jid = preparedSubject(subject);
    if (jid === null) {
      return;
    }
    // The database writes the NDJSON; here its bytes are only cut into pages of whole lines.
    const started = performance.now();
    let collected = 0;
    for await (const page of wholeLines(this.archive.collectNdjson(jid), COLLECT_PAGE_BYTES)) {
      const count = countLines(page);
      collected += count;
      yield { dataset: 'mam_pm', ndjson: page, count };
    }
    this.logger.debug(
      `collected ${collected} archived message(s) in ${Math.round(performance.now() - started)} ms`,
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
    await this.ingest.caughtUp(CATCH_UP_MS);
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

/**
 * The bytes of `chunks` in pages of whole lines, each at least `size` bytes but the last: a
 * line cut between two chunks is joined again.
 */
export async function* wholeLines(
  chunks: AsyncIterable<Buffer>,
  size: number,
): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const chunk of chunks) {
    held.push(chunk);
    heldBytes += chunk.length;
    if (heldBytes < size) {
      continue;
    }
    const joined = Buffer.concat(held, heldBytes);
    const end = joined.lastIndexOf(NEWLINE) + 1;
    if (end === 0) {
      held = [joined];
      continue;
    }
    yield joined.subarray(0, end);
    held = end < joined.length ? [joined.subarray(end)] : [];
    heldBytes = joined.length - end;
  }
  if (heldBytes > 0) {
    const rest = Buffer.concat(held, heldBytes);
    if (rest[rest.length - 1] !== NEWLINE) {
      throw new Error('the archive collect ended inside a line');
    }
    yield rest;
  }
}
