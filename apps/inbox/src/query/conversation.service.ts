import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import type { InboxEntry } from '../inbox/inbox-entry';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';
import { InboxRepository } from '../inbox/inbox.repository';
import type { PropertyRequest } from './conversation-request';

// What the conversation requests need from the repository, so unit tests can use a fake.
export type ConversationStore = Pick<
  InboxRepository,
  'find' | 'resetUnread' | 'updateProperties' | 'emptyBin'
>;

/** MongooseIM's per-conversation requests: reset, properties, emptying the bin. */
@Injectable()
export class ConversationService {
  private readonly logger = new Logger('inbox');

  constructor(@Inject(InboxRepository) private readonly store: ConversationStore) {}

  /** Sets the conversation's unread count to zero; its last message stays. */
  async reset(owner: string, remote: string): Promise<void> {
    await this.store.resetUnread(owner, remote);
    this.logger.debug(`reset an inbox entry of ${pseudonym(owner)}`);
  }

  async entry(owner: string, remote: string): Promise<InboxEntry> {
    return (await this.store.find(owner, remote)) ?? notFound();
  }

  async update(owner: string, remote: string, request: PropertyRequest): Promise<InboxEntry> {
    const { box, read, muteSeconds } = request;
    const mutedUntil =
      muteSeconds === undefined
        ? undefined
        : muteSeconds === 0
          ? null
          : new Date(Date.now() + muteSeconds * 1000);
    const entry = await this.store.updateProperties(owner, remote, { box, read, mutedUntil });
    return entry ?? notFound();
  }

  /** Deletes the owner's binned conversations; returns how many. */
  emptyBin(owner: string): Promise<number> {
    return this.store.emptyBin(owner);
  }
}

function notFound(): never {
  throw new InboxException(InboxErrorCode.NotFound, 'Entry not found');
}
