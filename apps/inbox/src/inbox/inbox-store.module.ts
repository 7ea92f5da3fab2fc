import { Module } from '@nestjs/common';
import { IngestProgress } from '../ingest/ingest-progress';
import { InboxRepository } from './inbox.repository';

/** The inbox table and the ingest progress, shared by the IQ side, the ingester and GDPR. */
@Module({
  providers: [InboxRepository, IngestProgress],
  exports: [InboxRepository, IngestProgress],
})
export class InboxStoreModule {}
