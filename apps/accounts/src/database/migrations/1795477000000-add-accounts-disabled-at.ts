import type { MigrationInterface, QueryRunner } from 'typeorm';

// Set when an erasure begins: from then on the account cannot log in or change its password.
export class AddAccountsDisabledAt1795477000000 implements MigrationInterface {
  name = 'AddAccountsDisabledAt1795477000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE accounts ADD COLUMN disabled_at timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE accounts DROP COLUMN disabled_at`);
  }
}
