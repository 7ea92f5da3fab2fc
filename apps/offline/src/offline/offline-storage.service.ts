import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatMessageEvent } from '@sotto/contracts';
import {
  Jid,
  JidError,
  StanzaError,
  StreamError,
  errorReply,
  parseFrame,
  type Element,
} from '@sotto/xmpp';
import { StanzaSender } from '@sotto/xmpp-service';
import { OFFLINE_CONFIG, type OfflineConfig } from '../config/offline.config';
import { AccountDirectory } from './account-directory';
import { OfflineMessageRepository, type StoredMessage } from './offline-message.repository';
import { isStorable, withDelay } from './offline-stanza';

export type OfflineRecords = Pick<
  OfflineMessageRepository,
  'insertForActive' | 'storedIds' | 'countByOwner' | 'page' | 'remove' | 'lease' | 'release'
>;
export type Accounts = Pick<AccountDirectory, 'active'>;
export type Outbox = Pick<StanzaSender, 'send'>;
export type StorageSettings = Pick<OfflineConfig, 'XMPP_DOMAIN' | 'OFFLINE_QUOTA'>;

/**
 * How long a delivery run holds a user's stored messages after its last fetch. Long enough for a
 * page of 100 to reach a slow client; short enough that a gateway that died mid-run delays the
 * messages only until the user's next login after it.
 */
const LEASE_TTL_MS = 30_000;

/** A message no resource took, as it came off the stream. */
export interface UndeliveredMessage {
  event: ChatMessageEvent;
  /** Its sequence in the messages stream. */
  seq: number;
}

/** What became of one batch. */
export interface BatchOutcome {
  stored: number;
  /** Answered with service-unavailable: the recipient's storage is full or the account gone. */
  bounced: number;
  /** Not kept, by design (XEP-0160 §3, XEP-0334) or because it could not be read. */
  dropped: number;
}

interface Candidate {
  message: UndeliveredMessage;
  owner: string;
  stanza: Element;
}

// The gateway enforced its own limits already; these only guard against a peer on the bus that
// does not.
const LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 256 };

/** XEP-0160 offline storage: what is kept for whom, within the quota, and handed out again. */
@Injectable()
export class OfflineStorageService {
  private readonly logger = new Logger('offline');

  constructor(
    @Inject(OfflineMessageRepository) private readonly records: OfflineRecords,
    @Inject(AccountDirectory) private readonly accounts: Accounts,
    @Inject(StanzaSender) private readonly outbox: Outbox,
    @Inject(OFFLINE_CONFIG) private readonly settings: StorageSettings,
  ) {}

  /**
   * Stores a batch of undelivered messages, in stream order. Idempotent: a message stored by an
   * earlier attempt is neither stored again nor counted against the quota a second time. Throws
   * when the database or the accounts service fails; the caller then retries the whole batch.
   */
  async storeBatch(batch: UndeliveredMessage[]): Promise<BatchOutcome> {
    const candidates = this.readable(batch);
    let dropped = batch.length - candidates.length;
    const storable = candidates.filter((candidate) => isStorable(candidate.stanza));
    dropped += candidates.length - storable.length;

    const stored = await this.records.storedIds(
      storable.map(({ owner, message }) => ({ owner, id: message.event.id })),
    );
    const fresh = storable.filter((candidate) => !stored.has(candidate.message.event.id));
    const counts = await this.records.countByOwner(unique(fresh.map((c) => c.owner)));
    const kept: Candidate[] = [];
    const full: Candidate[] = [];
    for (const candidate of fresh) {
      const count = counts.get(candidate.owner) ?? 0;
      if (count >= this.settings.OFFLINE_QUOTA) {
        full.push(candidate);
        continue;
      }
      counts.set(candidate.owner, count + 1);
      kept.push(candidate);
    }
    // The gateway checked already, but an erasure may have begun since: nothing is kept for an
    // account that is gone or being erased. Asked under the owners' erasure locks, so that a
    // forget running meanwhile cannot miss what this batch stores.
    const active = await this.records.insertForActive(
      kept.map((candidate) => this.row(candidate)),
      (owners) => this.activeAccounts(owners),
    );
    const gone = kept.filter((candidate) => !active.has(candidate.owner));

    // XEP-0160 §2, step 3: when the server cannot store the message "(e.g., because the
    // recipient's offline message queue is full), the server returns a <service-unavailable/>
    // error to the sender". An account erased meanwhile gets the same answer as an unknown one.
    for (const candidate of [...full, ...gone]) {
      this.bounce(candidate);
    }
    const outcome = {
      stored: kept.length - gone.length,
      bounced: full.length + gone.length,
      dropped,
    };
    this.logger.debug(
      `batch of ${batch.length}: ${outcome.stored} stored, ${outcome.bounced} bounced, ${outcome.dropped} dropped`,
    );
    return outcome;
  }

  /**
   * The user's oldest stored messages, each with its delay stamp. With a lease token, only for
   * the run holding the user's delivery lease (taken or renewed here): `leased` is false and
   * nothing is returned while another run delivers.
   */
  async fetch(
    owner: string,
    max: number,
    lease?: string,
  ): Promise<{ messages: { id: string; stanza: string }[]; leased?: boolean }> {
    if (lease !== undefined && !(await this.records.lease(owner, lease, LEASE_TTL_MS))) {
      return { messages: [], leased: false };
    }
    const messages = await this.records.page(owner, 0, max);
    return {
      messages: messages.map(({ id, stanza }) => ({ id, stanza })),
      ...(lease === undefined ? {} : { leased: true }),
    };
  }

  /** Removes messages the gateway delivered and ends its lease if asked; returns how many. */
  async remove(owner: string, ids: string[], release?: string): Promise<number> {
    const removed = await this.records.remove(owner, ids);
    if (release !== undefined) {
      await this.records.release(owner, release);
    }
    return removed;
  }

  // Parsed, with their owner; anything unreadable is left out (a broken event is never retried).
  private readable(batch: UndeliveredMessage[]): Candidate[] {
    const seen = new Set<string>();
    const candidates: Candidate[] = [];
    for (const message of batch) {
      if (seen.has(message.event.id)) {
        continue;
      }
      seen.add(message.event.id);
      try {
        const owner = Jid.parse(message.event.to).bareString();
        const stanza = parseFrame(message.event.stanza, LIMITS);
        // The gateway only hands over messages that are neither errors nor groupchat; anything
        // else on the subject is not ours to store or answer.
        const type = stanza.attrs.type ?? 'normal';
        if (stanza.name === 'message' && (type === 'chat' || type === 'normal')) {
          candidates.push({ message, owner, stanza });
        }
      } catch (error) {
        if (!(error instanceof JidError || error instanceof StreamError)) {
          throw error;
        }
        this.logger.warn('dropped an undelivered message that does not parse');
      }
    }
    return candidates;
  }

  // One question per account and batch.
  private async activeAccounts(owners: string[]): Promise<Set<string>> {
    const distinct = unique(owners);
    const answers = await Promise.all(distinct.map((owner) => this.accounts.active(owner)));
    return new Set(distinct.filter((_, index) => answers[index]));
  }

  private row({ message, owner, stanza }: Candidate): StoredMessage {
    const { event, seq } = message;
    return {
      owner,
      id: event.id,
      seq,
      sender: event.from,
      acceptedAt: new Date(event.acceptedAt),
      stanza: withDelay(stanza, this.settings.XMPP_DOMAIN, event.acceptedAt).toString(),
    };
  }

  // From the recipient's address, to the sender's full JID, with the original children.
  private bounce({ message, stanza }: Candidate): void {
    const reply = errorReply(stanza, new StanzaError('service-unavailable'));
    this.outbox.send(message.event.from, reply);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
