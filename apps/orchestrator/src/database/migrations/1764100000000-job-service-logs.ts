import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A collect result may name the object holding the service's log lines about the subject. */
export class JobServiceLogs1764100000000 implements MigrationInterface {
  name = 'JobServiceLogs1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE job_services ADD COLUMN logs jsonb NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE job_services DROP COLUMN logs`);
  }
}
