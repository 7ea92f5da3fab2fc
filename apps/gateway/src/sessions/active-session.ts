import type { SessionRecord } from '@sotto/contracts';
import type { BoundSession } from './local-sessions';

/** A bound session as the routing code sees it: who it is, and its shared presence state. */
export interface ActiveSession extends BoundSession {
  readonly resource: string;
  readonly record: SessionRecord;
  /** Writes the session's presence to the shared table (compare-and-set on our own record). */
  setPresence(state: { available: boolean; priority: number; presence?: string }): Promise<void>;
  /** Writes the session's entity capabilities (`SessionRecord.caps`) to the shared table. */
  setCaps(caps: string): Promise<void>;
  /** Marks the session an interested resource (`SessionRecord.rosterInterested`) in the table. */
  setRosterInterested(): Promise<void>;
  /** Writes where the session sent directed presence (`SessionRecord.directedTo`). */
  setDirectedTo(jids: readonly string[]): Promise<void>;
}
