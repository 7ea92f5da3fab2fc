import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEntryEntity } from './audit-entry.entity';

export type AuditAction =
  | 'register'
  | 'register_identified'
  | 'retrieve_personal_data'
  | 'unregister'
  | 'get_job'
  | 'list_jobs'
  | 'watch_job'
  | 'download_archive'
  | 'list_services'
  | 'decommission_service';

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  jobId: string | null;
  /** The keyed hash of the subject's JID; never the JID. */
  subjectHash: string | null;
  /** `ok`, or the error code the caller got. */
  outcome: string;
}

/** The only code that touches `audit_entries`; entries are only ever added. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.dataSource.getRepository(AuditEntryEntity).insert(entry);
  }
}
