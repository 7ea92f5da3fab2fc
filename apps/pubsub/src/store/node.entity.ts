import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A node of one service: the shared service's sub-domain or an account's PEP service. */
@Entity('pubsub_nodes')
@Unique('pubsub_nodes_service_name_key', ['service', 'name'])
export class NodeEntity {
  // bigint arrives from pg as a string; it is only ever an opaque key here.
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pubsub_nodes_pkey',
  })
  id!: string;

  /** The JID hosting the node: `pubsub.<domain>` or the PEP owner's prepared bare JID. */
  @Column('text')
  service!: string;

  @Column('text')
  name!: string;

  /** The node configuration as `NodeConfig` (validated on read). */
  @Column('jsonb')
  config!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
