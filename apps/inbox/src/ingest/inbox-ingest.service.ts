import { Inject, Injectable } from '@nestjs/common';
import { entryKey } from '../inbox/inbox-entry';
import { InboxRepository } from '../inbox/inbox.repository';
import type { PositionedChange } from './inbox-change';
import { foldChanges } from './inbox-fold';

// What applying needs from the repository, so unit tests can hand in a small fake.
export type InboxBatchStore = Pick<InboxRepository, 'applyBatch'>;

/** Applies a batch of accepted messages, in stream order, to the inboxes they touch. */
@Injectable()
export class InboxIngestService {
  constructor(@Inject(InboxRepository) private readonly store: InboxBatchStore) {}

  /** Returns how many entries changed. */
  async apply(changes: readonly PositionedChange[]): Promise<number> {
    const keys = new Map<string, [string, string]>();
    for (const { change } of changes) {
      const pairs: [string, string][] =
        change.kind === 'message'
          ? [
              [change.sender, change.recipient],
              [change.recipient, change.sender],
            ]
          : [[change.owner, change.remote]];
      for (const [owner, remote] of pairs) {
        keys.set(entryKey(owner, remote), [owner, remote]);
      }
    }
    if (keys.size === 0) {
      return 0;
    }
    return this.store.applyBatch([...keys.values()], (current) => foldChanges(current, changes));
  }
}
