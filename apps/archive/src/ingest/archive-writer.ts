import { Inject, Injectable } from '@nestjs/common';
import type { ArchiveRow } from '../archive/archive-row';
import { ArchiveRepository } from '../archive/archive.repository';
import { archiving } from '../prefs/archive-prefs';
import { PrefsRepository } from '../prefs/prefs.repository';
import { RosterLookup } from '../prefs/roster-lookup';

export type ArchiveSink = Pick<ArchiveRepository, 'insert'>;
export type PrefsSource = Pick<PrefsRepository, 'findMany'>;
export type RosterSource = Pick<RosterLookup, 'inRoster'>;

/** Writes a batch of rows, leaving out those their owner's preferences do not archive. */
@Injectable()
export class ArchiveWriter {
  constructor(
    @Inject(ArchiveRepository) private readonly archive: ArchiveSink,
    @Inject(PrefsRepository) private readonly prefs: PrefsSource,
    @Inject(RosterLookup) private readonly roster: RosterSource,
  ) {}

  /**
   * Idempotent: a row already archived (a redelivered message) is not written again. Throws when
   * the roster service does not answer for an owner whose default is 'roster': the batch is then
   * retried, rather than archived against the owner's wish or lost.
   */
  async write(rows: readonly ArchiveRow[]): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }
    const prefs = await this.prefs.findMany([...new Set(rows.map((row) => row.ownerJid))]);
    const decisions = rows.map((row) => archiving(prefs.get(row.ownerJid), row.withJid));
    const inRoster = await this.rosterAnswers(
      rows.filter((_, index) => decisions[index] === 'if-in-roster'),
    );
    const kept = rows.filter((row, index) => {
      const decision = decisions[index];
      return decision === 'if-in-roster' ? inRoster.has(pairOf(row)) : decision;
    });
    return this.archive.insert(kept);
  }

  // One question per owner and contact in the batch; the pairs whose contact is in the roster.
  private async rosterAnswers(rows: readonly ArchiveRow[]): Promise<Set<string>> {
    const pairs = [...new Map(rows.map((row) => [pairOf(row), row])).values()];
    const answers = await Promise.all(
      pairs.map((row) => this.roster.inRoster(row.ownerJid, row.withJid)),
    );
    return new Set(pairs.filter((_, index) => answers[index]).map(pairOf));
  }
}

function pairOf(row: ArchiveRow): string {
  return `${row.ownerJid} ${row.withJid}`;
}
