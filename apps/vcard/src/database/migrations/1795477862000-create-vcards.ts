import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateVcards1795477862000 implements MigrationInterface {
  name = 'CreateVcards1795477862000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One vCard per account, keyed by the prepared bare JID the gateway stamps on every IQ.
    await queryRunner.query(`
      CREATE TABLE vcards (
        owner_jid text NOT NULL,
        vcard text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT vcards_pkey PRIMARY KEY (owner_jid)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE vcards`);
  }
}
