import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccounts1763900000000 implements MigrationInterface {
  name = 'CreateAccounts1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        jid text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT accounts_pkey PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX accounts_jid_key ON accounts (jid)`);
    await queryRunner.query(`
      CREATE TABLE scram_credentials (
        account_id uuid NOT NULL,
        mechanism text NOT NULL,
        salt bytea NOT NULL,
        iterations integer NOT NULL,
        stored_key bytea NOT NULL,
        server_key bytea NOT NULL,
        CONSTRAINT scram_credentials_pkey PRIMARY KEY (account_id, mechanism),
        CONSTRAINT scram_credentials_account_id_fkey FOREIGN KEY (account_id)
          REFERENCES accounts (id) ON DELETE CASCADE,
        CONSTRAINT scram_credentials_mechanism_check
          CHECK (mechanism IN ('SCRAM-SHA-1', 'SCRAM-SHA-256')),
        CONSTRAINT scram_credentials_iterations_check CHECK (iterations > 0)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE scram_credentials`);
    await queryRunner.query(`DROP TABLE accounts`);
  }
}
