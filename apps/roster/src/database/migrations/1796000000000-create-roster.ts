import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRoster1796000000000 implements MigrationInterface {
  name = 'CreateRoster1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE roster_items (
        owner_jid text NOT NULL,
        contact_jid text NOT NULL,
        name text NULL,
        subscription text NOT NULL DEFAULT 'none',
        pending_out boolean NOT NULL DEFAULT false,
        approved boolean NOT NULL DEFAULT false,
        groups text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT roster_items_pkey PRIMARY KEY (owner_jid, contact_jid),
        CONSTRAINT roster_items_subscription_check
          CHECK (subscription IN ('none', 'to', 'from', 'both'))
      )`);
    // Erasure finds the entries that name the erased user in other rosters.
    await queryRunner.query(
      `CREATE INDEX roster_items_contact_jid_idx ON roster_items (contact_jid)`,
    );
    await queryRunner.query(`
      CREATE TABLE roster_versions (
        owner_jid text NOT NULL,
        version bigint NOT NULL,
        CONSTRAINT roster_versions_pkey PRIMARY KEY (owner_jid),
        CONSTRAINT roster_versions_version_check CHECK (version > 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE roster_pending_in (
        owner_jid text NOT NULL,
        contact_jid text NOT NULL,
        stanza text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT roster_pending_in_pkey PRIMARY KEY (owner_jid, contact_jid)
      )`);
    await queryRunner.query(
      `CREATE INDEX roster_pending_in_contact_jid_idx ON roster_pending_in (contact_jid)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE roster_pending_in`);
    await queryRunner.query(`DROP TABLE roster_versions`);
    await queryRunner.query(`DROP TABLE roster_items`);
  }
}
