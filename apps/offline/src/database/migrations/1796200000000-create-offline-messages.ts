import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOfflineMessages1796200000000 implements MigrationInterface {
  name = 'CreateOfflineMessages1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per message waiting for its recipient (the owner). The event id makes storing
    // idempotent; the stream sequence is the order the messages were accepted in.
    await queryRunner.query(`
      CREATE TABLE offline_messages (
        owner_jid text NOT NULL,
        id uuid NOT NULL,
        seq bigint NOT NULL,
        sender_jid text NOT NULL,
        accepted_at timestamptz NOT NULL,
        stanza text NOT NULL,
        CONSTRAINT offline_messages_pkey PRIMARY KEY (owner_jid, id)
      )`);
    // Delivery, quota, collect and forget read one owner's rows, oldest first.
    await queryRunner.query(
      `CREATE INDEX offline_messages_owner_seq_idx ON offline_messages (owner_jid, seq)`,
    );
    // Expiry deletes the oldest rows of everyone, a few at a time.
    await queryRunner.query(
      `CREATE INDEX offline_messages_accepted_at_idx ON offline_messages (accepted_at)`,
    );
    // An erasure reports what the subject sent that others keep, without a full scan.
    await queryRunner.query(
      `CREATE INDEX offline_messages_sender_bare_idx
         ON offline_messages (split_part(sender_jid, '/', 1))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE offline_messages`);
  }
}
