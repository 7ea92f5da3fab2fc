import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateArchive1797000000000 implements MigrationInterface {
  name = 'CreateArchive1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per message per archive: the sender's copy and the recipient's copy share the id
    // (the UUID v7 the gateway gave the message), so (owner_jid, id) is also the archive order.
    // Fixed-width columns first: no alignment padding in a table that holds every message.
    await queryRunner.query(`
      CREATE TABLE archived_messages (
        id uuid NOT NULL,
        sent_at timestamptz NOT NULL,
        owner_jid text NOT NULL,
        with_jid text NOT NULL,
        with_resource text,
        direction text NOT NULL,
        stanza text NOT NULL,
        clustered boolean NOT NULL DEFAULT false,
        CONSTRAINT archived_messages_pkey PRIMARY KEY (owner_jid, id),
        CONSTRAINT archived_messages_direction_check CHECK (direction IN ('in', 'out'))
      )`);
    // Queries with a 'with' filter read one conversation of one owner, in archive order.
    await queryRunner.query(`
      CREATE INDEX archived_messages_owner_with_idx
        ON archived_messages (owner_jid, with_jid, id)`);
    // Erasure reports how many copies other owners keep of the subject's conversations: without
    // this index that count would read every archive.
    await queryRunner.query(`
      CREATE INDEX archived_messages_with_owner_idx
        ON archived_messages (with_jid, owner_jid)`);
    // Rows arrive interleaved with everyone else's, so one owner's messages would lie scattered
    // over as many pages as they have rows, and deleting them would write all those pages. The
    // clustering sweep rewrites each past day's rows grouped by owner; this finds those not
    // rewritten yet (the last day or so), and only those are in it.
    await queryRunner.query(`
      CREATE INDEX archived_messages_unclustered_idx
        ON archived_messages (owner_jid, sent_at) WHERE NOT clustered`);
    // Retention finds old rows by time. Rows arrive in time order, so a BRIN index (a few pages
    // for millions of rows, nearly free to maintain) is enough.
    await queryRunner.query(`
      CREATE INDEX archived_messages_sent_at_brin
        ON archived_messages USING brin (sent_at)`);
    // XEP-0441 preferences; an owner without a row archives everything.
    await queryRunner.query(`
      CREATE TABLE archive_prefs (
        owner_jid text NOT NULL,
        default_mode text NOT NULL,
        always_jids text[] NOT NULL DEFAULT '{}',
        never_jids text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT archive_prefs_pkey PRIMARY KEY (owner_jid),
        CONSTRAINT archive_prefs_default_mode_check
          CHECK (default_mode IN ('always', 'never', 'roster'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE archive_prefs`);
    await queryRunner.query(`DROP TABLE archived_messages`);
  }
}
