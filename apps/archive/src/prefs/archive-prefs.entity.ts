import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DefaultMode } from './archive-prefs';

/** An owner's XEP-0441 archiving preferences. */
@Entity('archive_prefs')
export class ArchivePrefsEntity {
  @PrimaryColumn('text', { name: 'owner_jid', primaryKeyConstraintName: 'archive_prefs_pkey' })
  ownerJid!: string;

  @Column('text', { name: 'default_mode' })
  defaultMode!: DefaultMode;

  /** Bare JIDs whose messages are always archived. */
  @Column('text', { name: 'always_jids', array: true })
  alwaysJids!: string[];

  /** Bare JIDs whose messages are never archived. */
  @Column('text', { name: 'never_jids', array: true })
  neverJids!: string[];

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
