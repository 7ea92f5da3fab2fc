import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrchestrator1764000000000 implements MigrationInterface {
  name = 'CreateOrchestrator1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gdpr_services (
        service text NOT NULL,
        datasets jsonb NOT NULL,
        first_announced_at timestamptz NOT NULL,
        last_announced_at timestamptz NOT NULL,
        CONSTRAINT gdpr_services_pkey PRIMARY KEY (service)
      )`);
    await queryRunner.query(`
      CREATE TABLE jobs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        status text NOT NULL,
        subject_jid text NULL,
        subject_hash text NOT NULL,
        deadline_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL,
        error text NULL,
        CONSTRAINT jobs_pkey PRIMARY KEY (id),
        CONSTRAINT jobs_kind_check CHECK (kind IN ('export', 'erasure')),
        CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        CONSTRAINT jobs_finished_check
          CHECK ((status IN ('completed', 'failed')) = (finished_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX jobs_status_deadline_idx ON jobs (status, deadline_at)`);
    await queryRunner.query(`CREATE INDEX jobs_created_at_idx ON jobs (created_at DESC)`);
    await queryRunner.query(`CREATE INDEX jobs_subject_hash_idx ON jobs (subject_hash)`);
    await queryRunner.query(`
      CREATE TABLE job_services (
        job_id uuid NOT NULL,
        service text NOT NULL,
        status text NOT NULL,
        records integer NOT NULL DEFAULT 0,
        waiting_since timestamptz NOT NULL,
        answered_at timestamptz NULL,
        datasets jsonb NULL,
        CONSTRAINT job_services_pkey PRIMARY KEY (job_id, service),
        CONSTRAINT job_services_job_id_fkey FOREIGN KEY (job_id)
          REFERENCES jobs (id) ON DELETE CASCADE,
        CONSTRAINT job_services_status_check CHECK (status IN ('pending', 'completed', 'failed')),
        CONSTRAINT job_services_records_check CHECK (records >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE tombstones (
        subject_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tombstones_pkey PRIMARY KEY (subject_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_entries (
        id bigserial NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        job_id uuid NULL,
        subject_hash text NULL,
        outcome text NOT NULL,
        CONSTRAINT audit_entries_pkey PRIMARY KEY (id)
      )`);
    await queryRunner.query(`CREATE INDEX audit_entries_at_idx ON audit_entries (at)`);
    await queryRunner.query(`CREATE INDEX audit_entries_job_id_idx ON audit_entries (job_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_entries`);
    await queryRunner.query(`DROP TABLE tombstones`);
    await queryRunner.query(`DROP TABLE job_services`);
    await queryRunner.query(`DROP TABLE jobs`);
    await queryRunner.query(`DROP TABLE gdpr_services`);
  }
}
