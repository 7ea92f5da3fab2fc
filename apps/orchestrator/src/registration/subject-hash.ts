import { createHmac } from 'node:crypto';

/**
 * The keyed hash that stands for a subject wherever the orchestrator keeps one for longer than a
 * job runs (tombstones, finished jobs, audit): it can be matched against a JID the operator
 * names, but without the key it can neither be reversed nor guessed from a list of JIDs.
 */
export class SubjectHasher {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  /** `bareJid` must be prepared (RFC 7622), so every spelling of one address hashes the same. */
  hash(bareJid: string): string {
    return createHmac('sha256', this.key).update(bareJid, 'utf8').digest('hex');
  }
}
