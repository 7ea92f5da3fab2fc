import { Module } from '@nestjs/common';
import { MESSAGES_STREAM, messageSubjects } from '@sotto/contracts';
import { ConsumerCatchUp, consumerCatchUpProvider } from '@sotto/nats';
import { INBOX_CONSUMER } from '../ingest/messages-consumer';
import { InboxRepository } from './inbox.repository';

/** The inbox table and the ingest's progress, shared by the IQ side, the ingester and GDPR. */
@Module({
  providers: [
    InboxRepository,
    consumerCatchUpProvider(
      { stream: MESSAGES_STREAM, consumer: INBOX_CONSUMER, subject: messageSubjects.accepted },
      'the inbox',
    ),
  ],
  exports: [InboxRepository, ConsumerCatchUp],
})
export class InboxStoreModule {}
