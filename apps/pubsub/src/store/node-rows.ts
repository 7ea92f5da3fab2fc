import { NodeConfig } from '../forms/node-config';
import type { StoredNode } from './pubsub-records';

/** A `pubsub_nodes` row as raw queries return it. */
export interface NodeRow {
  id: string;
  service: string;
  name: string;
  config: unknown;
  created_at: Date;
}

/** A node from its row; the configuration is validated on the way. */
export function fromRow(row: NodeRow): StoredNode {
  return {
    id: row.id,
    service: row.service,
    name: row.name,
    config: NodeConfig.parse(row.config),
    createdAt: row.created_at,
  };
}

/** Escapes LIKE's wildcards (JIDs may contain `%` and `_`). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
