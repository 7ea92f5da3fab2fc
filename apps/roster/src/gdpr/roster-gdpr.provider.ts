import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DatasetDescription, ForgottenDataset } from '@sotto/contracts';
import type { CollectedPage, GdprDataProvider } from '@sotto/gdpr';
import { pseudonym } from '@sotto/logging';
import { Jid, JidError } from '@sotto/xmpp';
import { RosterRepository } from '../roster/roster.repository';
import type { CollectedEntry, RosterStore } from '../roster/roster-store';
import { askMessage } from '../subscriptions/presence-stanzas';
import { SubscriptionService } from '../subscriptions/subscription.service';

/**
 * The roster as MongooseIM exports it. One row per contact the subject has an item for or a
 * request from. `ask` in words: `out` (the subject's request waits), `in` (the contact's request
 * waits), `both`, `none` (MongooseIM's letters O, I, B, N). `askmessage`: the status text of
 * the contact's waiting request. `xs` (extra XML of the item): always empty, none is kept.
 */
export const ROSTER_DATASETS: DatasetDescription[] = [
  { name: 'roster', columns: ['jid', 'name', 'subscription', 'ask', 'groups', 'askmessage', 'xs'] },
];

const PAGE_SIZE = 500;

type Subscriptions = Pick<SubscriptionService, 'cancelAll'>;
type RosterRecords = Pick<RosterStore, 'collect' | 'countOwned' | 'deleteOwner' | 'countMentions'>;

/** The roster service's answers to GDPR collect and forget. */
@Injectable()
export class RosterGdprProvider implements GdprDataProvider {
  private readonly logger = new Logger('roster-gdpr');

  constructor(
    @Inject(RosterRepository) private readonly store: RosterRecords,
    @Inject(SubscriptionService) private readonly subscriptions: Subscriptions,
  ) {}

  async *collect(subject: string): AsyncGenerator<CollectedPage> {
    const owner = preparedOrNull(subject);
    if (owner === null) {
      return;
    }
    let after = '';
    for (;;) {
      const entries = await this.store.collect(owner, after, PAGE_SIZE);
      if (entries.length > 0) {
        yield { dataset: 'roster', rows: entries.map(toRow) };
      }
      if (entries.length < PAGE_SIZE) {
        return;
      }
      after = entries[entries.length - 1].contact;
    }
  }

  /**
   * Cancels every subscription as if the subject had (contacts' items become `none` and are
   * pushed; contacts receive unsubscribe/unsubscribed), then deletes the subject's items, requests
   * and version. Contacts' items stay: they are theirs. A second call deletes nothing.
   */
  async forget(subject: string): Promise<ForgottenDataset[]> {
    const owner = preparedOrNull(subject);
    if (owner === null) {
      return [{ name: 'roster', deleted: 0, kept: 0 }];
    }
    // Counted first: cancelling already deletes the requests the subject had not answered.
    const owned = await this.store.countOwned(owner);
    await this.subscriptions.cancelAll(owner);
    const deleted = Math.max(owned, await this.store.deleteOwner(owner));
    const kept = await this.store.countMentions(owner);
    this.logger.debug(`forgot the roster of ${pseudonym(owner)}`);
    return [{ name: 'roster', deleted, kept, keptReason: 'the contacts’ own roster entries' }];
  }
}

function toRow(entry: CollectedEntry): Record<string, unknown> {
  const out = entry.item?.pendingOut ?? false;
  const pendingIn = entry.pendingStanza !== undefined;
  return {
    jid: entry.contact,
    name: entry.item?.name ?? '',
    subscription: entry.item?.subscription ?? 'none',
    ask: out ? (pendingIn ? 'both' : 'out') : pendingIn ? 'in' : 'none',
    groups: entry.item?.groups ?? [],
    askmessage: entry.pendingStanza === undefined ? '' : askMessage(entry.pendingStanza),
    xs: '',
  };
}

// A subject that does not prepare names no stored roster: nothing to collect or forget, and
// failing would only have the request redelivered for ever.
function preparedOrNull(subject: string): string | null {
  try {
    const jid = Jid.parse(subject);
    return jid.local === undefined ? null : jid.bareString();
  } catch (error) {
    if (error instanceof JidError) {
      return null;
    }
    throw error;
  }
}
