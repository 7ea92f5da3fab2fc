import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePubsub1797000000000 implements MigrationInterface {
  name = 'CreatePubsub1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One table of nodes for every service: `service` is the JID that hosts the node, the
    // shared service's sub-domain (XEP-0060) or an account's bare JID (its PEP service,
    // XEP-0163). The configuration is one JSON document, validated by the service on read.
    await queryRunner.query(`
      CREATE TABLE pubsub_nodes (
        id bigint GENERATED ALWAYS AS IDENTITY,
        service text NOT NULL,
        name text NOT NULL,
        config jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pubsub_nodes_pkey PRIMARY KEY (id),
        CONSTRAINT pubsub_nodes_service_name_key UNIQUE (service, name)
      )`);
    // Bare JIDs only (XEP-0060 §4.1); "none" is the absence of a row.
    await queryRunner.query(`
      CREATE TABLE pubsub_affiliations (
        node_id bigint NOT NULL REFERENCES pubsub_nodes (id) ON DELETE CASCADE,
        jid text NOT NULL,
        affiliation text NOT NULL,
        CONSTRAINT pubsub_affiliations_pkey PRIMARY KEY (node_id, jid),
        CONSTRAINT pubsub_affiliations_affiliation_check
          CHECK (affiliation IN ('owner', 'publisher', 'publish-only', 'member', 'outcast'))
      )`);
    await queryRunner.query(
      `CREATE INDEX pubsub_affiliations_jid_idx ON pubsub_affiliations (jid)`,
    );
    // One subscription per node and subscribed JID (bare or full, as the subscriber chose); the
    // state is always "subscribed": pending and unconfigured subscriptions are not offered.
    // The pattern index serves both `jid = $1` and the `$1/%` prefix of a user's full JIDs.
    await queryRunner.query(`
      CREATE TABLE pubsub_subscriptions (
        node_id bigint NOT NULL REFERENCES pubsub_nodes (id) ON DELETE CASCADE,
        jid text NOT NULL,
        subid uuid NOT NULL,
        deliver boolean NOT NULL DEFAULT true,
        CONSTRAINT pubsub_subscriptions_pkey PRIMARY KEY (node_id, jid)
      )`);
    await queryRunner.query(
      `CREATE INDEX pubsub_subscriptions_jid_idx ON pubsub_subscriptions (jid text_pattern_ops)`,
    );
    // Items of persistent nodes. `position` orders them (a republished item becomes the newest);
    // `publisher` (a bare JID) decides who may retract it and whose data it is.
    await queryRunner.query(`CREATE SEQUENCE pubsub_items_position_seq AS bigint`);
    await queryRunner.query(`
      CREATE TABLE pubsub_items (
        node_id bigint NOT NULL REFERENCES pubsub_nodes (id) ON DELETE CASCADE,
        item_id text NOT NULL,
        publisher text NOT NULL,
        payload text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        position bigint NOT NULL DEFAULT nextval('pubsub_items_position_seq'),
        CONSTRAINT pubsub_items_pkey PRIMARY KEY (node_id, item_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX pubsub_items_node_position_idx ON pubsub_items (node_id, position)`,
    );
    await queryRunner.query(`CREATE INDEX pubsub_items_publisher_idx ON pubsub_items (publisher)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pubsub_items`);
    await queryRunner.query(`DROP SEQUENCE pubsub_items_position_seq`);
    await queryRunner.query(`DROP TABLE pubsub_subscriptions`);
    await queryRunner.query(`DROP TABLE pubsub_affiliations`);
    await queryRunner.query(`DROP TABLE pubsub_nodes`);
  }
}
