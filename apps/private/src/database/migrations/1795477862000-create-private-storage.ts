import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePrivateStorage1795477862000 implements MigrationInterface {
  name = 'CreatePrivateStorage1795477862000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // XEP-0049 keys what it stores by namespace, per account. The primary key's index also
    // serves the per-owner reads of collect and forget (its first column is the owner).
    await queryRunner.query(`
      CREATE TABLE private_storage (
        owner_jid text NOT NULL,
        namespace text NOT NULL,
        xml text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT private_storage_pkey PRIMARY KEY (owner_jid, namespace)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE private_storage`);
  }
}
