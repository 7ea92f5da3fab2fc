import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeliveryLeases1796900000000 implements MigrationInterface {
  name = 'CreateDeliveryLeases1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Which delivery run (a random token of the gateway) hands out one owner's stored messages,
    // until when: two resources coming online at once on two gateways must not both get them
    // (XEP-0160 §2: the first available resource does). A row lives only while a run does.
    await queryRunner.query(`
      CREATE TABLE offline_delivery_leases (
        owner_jid text NOT NULL,
        token uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT offline_delivery_leases_pkey PRIMARY KEY (owner_jid)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE offline_delivery_leases`);
  }
}
