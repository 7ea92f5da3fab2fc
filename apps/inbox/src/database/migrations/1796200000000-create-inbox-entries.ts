import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInboxEntries1796200000000 implements MigrationInterface {
  name = 'CreateInboxEntries1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per conversation of an owner: the last message and what the owner has not read.
    // applied_seq / applied_event_id: the last bus event folded into the row, so that a batch
    // redelivered after a crash is not counted twice.
    await queryRunner.query(`
      CREATE TABLE inbox_entries (
        owner_jid text NOT NULL,
        remote_jid text NOT NULL,
        content text NOT NULL,
        msg_id text,
        stanza_id uuid NOT NULL,
        last_at timestamptz NOT NULL,
        unread_count integer NOT NULL DEFAULT 0,
        box text NOT NULL DEFAULT 'inbox',
        muted_until timestamptz,
        applied_seq bigint NOT NULL,
        applied_event_id uuid NOT NULL,
        CONSTRAINT inbox_entries_pkey PRIMARY KEY (owner_jid, remote_jid),
        CONSTRAINT inbox_entries_unread_count_check CHECK (unread_count >= 0),
        CONSTRAINT inbox_entries_box_check CHECK (box IN ('inbox', 'archive', 'bin'))
      )`);
    // Queries page through one owner's entries by time, both ways, with the JID as tie-break.
    await queryRunner.query(
      `CREATE INDEX inbox_entries_owner_last_at_idx ON inbox_entries (owner_jid, last_at, remote_jid)`,
    );
    // GDPR: counts the entries others keep about a forgotten subject.
    await queryRunner.query(
      `CREATE INDEX inbox_entries_remote_jid_idx ON inbox_entries (remote_jid)`,
    );
    // The bin clean-up reads only binned rows.
    await queryRunner.query(
      `CREATE INDEX inbox_entries_bin_last_at_idx ON inbox_entries (last_at) WHERE box = 'bin'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox_entries`);
  }
}
