import { Inject, Injectable } from '@nestjs/common';
import type { ArchiveRow } from '../archive/archive-row';
import { ArchiveRepository } from '../archive/archive.repository';
import { archives } from '../prefs/archive-prefs';
import { PrefsRepository } from '../prefs/prefs.repository';

export type ArchiveSink = Pick<ArchiveRepository, 'insert'>;
export type PrefsSource = Pick<PrefsRepository, 'findMany'>;

/** Writes a batch of rows, leaving out those their owner's preferences do not archive. */
@Injectable()
export class ArchiveWriter {
  constructor(
    @Inject(ArchiveRepository) private readonly archive: ArchiveSink,
    @Inject(PrefsRepository) private readonly prefs: PrefsSource,
  ) {}

  /** Idempotent: a row already archived (a redelivered message) is not written again. */
  async write(rows: readonly ArchiveRow[]): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }
    const prefs = await this.prefs.findMany([...new Set(rows.map((row) => row.ownerJid))]);
    const kept = rows.filter((row) => archives(prefs.get(row.ownerJid), row.withJid));
    return this.archive.insert(kept);
  }
}
