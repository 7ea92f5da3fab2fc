import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { ArchivePrefsEntity } from './archive-prefs.entity';
import type { ArchivePrefs } from './archive-prefs';

/** The only code that touches `archive_prefs`. JIDs here are prepared bare JIDs. */
@Injectable()
export class PrefsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The owner's stored preferences, or undefined when they never set any. */
  async find(owner: string): Promise<ArchivePrefs | undefined> {
    const row = await this.dataSource
      .getRepository(ArchivePrefsEntity)
      .findOneBy({ ownerJid: owner });
    return row === null ? undefined : toPrefs(row);
  }

  /** The stored preferences of those of `owners` who set any, in one query. */
  async findMany(owners: readonly string[]): Promise<Map<string, ArchivePrefs>> {
    if (owners.length === 0) {
      return new Map();
    }
    const rows = await this.dataSource
      .getRepository(ArchivePrefsEntity)
      .findBy({ ownerJid: In([...owners]) });
    return new Map(rows.map((row) => [row.ownerJid, toPrefs(row)]));
  }

  async save(owner: string, prefs: ArchivePrefs): Promise<void> {
    await this.dataSource.getRepository(ArchivePrefsEntity).upsert(
      {
        ownerJid: owner,
        defaultMode: prefs.defaultMode,
        alwaysJids: [...prefs.always],
        neverJids: [...prefs.never],
        updatedAt: new Date(),
      },
      ['ownerJid'],
    );
  }

  /** Deletes the owner's preferences; false when there were none. */
  async delete(owner: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ArchivePrefsEntity)
      .delete({ ownerJid: owner });
    return (result.affected ?? 0) > 0;
  }
}

function toPrefs(row: ArchivePrefsEntity): ArchivePrefs {
  return { defaultMode: row.defaultMode, always: row.alwaysJids, never: row.neverJids };
}
