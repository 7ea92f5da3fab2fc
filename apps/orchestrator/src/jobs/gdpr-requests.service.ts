import { Inject, Injectable } from '@nestjs/common';
import { AccountsClient } from '../accounts/accounts.client';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { SubjectHasher } from '../registration/subject-hash';
import { parseAccountJid } from '../registration/subject';
import { TombstonesRepository } from '../registration/tombstones.repository';
import type { JobView } from './job-view';
import { JobsService } from './jobs.service';

export type AccountsPort = Pick<AccountsClient, 'exists' | 'disable' | 'endSessions'>;
export type Tombstones = Pick<TombstonesRepository, 'insert'>;
export type Jobs = Pick<JobsService, 'start' | 'registeredServices' | 'latestStatus'>;

/** A data subject's requests: export (retrieve_personal_data) and erasure (unregister). */
@Injectable()
export class GdprRequestsService {
  constructor(
    @Inject(AccountsClient) private readonly accounts: AccountsPort,
    @Inject(TombstonesRepository) private readonly tombstones: Tombstones,
    @Inject(JobsService) private readonly jobs: Jobs,
    @Inject(SubjectHasher) private readonly hasher: SubjectHasher,
  ) {}

  /** The keyed hash of a JID as the operator gave it, or null when it is not a valid JID. */
  hashOf(jid: string): string | null {
    try {
      return this.hasher.hash(parseAccountJid(jid).bareString());
    } catch {
      return null;
    }
  }

  /** NotFound, and no job, for an unknown account. */
  async startExport(jid: string): Promise<JobView> {
    const subject = parseAccountJid(jid).bareString();
    if (!(await this.accounts.exists(subject))) {
      throw new AdminException(AdminErrorCode.NotFound, 'no such account');
    }
    return this.jobs.start('export', subject, this.hasher.hash(subject));
  }

  /**
   * Ends the user's sessions and blocks logins first, tombstones the JID, then asks every service
   * to forget. NotFound, and no job, for an unknown account, so erasing twice finds nothing the
   * second time; but an erasure that failed (a service did not answer) may be run again.
   */
  async startErasure(jid: string): Promise<JobView> {
    const subject = parseAccountJid(jid).bareString();
    const hash = this.hasher.hash(subject);
    const previous = await this.jobs.latestStatus('erasure', hash);
    if (previous === 'queued' || previous === 'running') {
      throw new AdminException(AdminErrorCode.Conflict, 'an erasure of this account is running');
    }
    const exists = await this.accounts.exists(subject);
    if (!exists && previous !== 'failed') {
      throw new AdminException(AdminErrorCode.NotFound, 'no such account');
    }
    // Checked before anything irreversible happens: without services there would be no job.
    await this.jobs.registeredServices();
    if (exists) {
      await this.accounts.disable(subject);
    }
    // accounts.disable ends the sessions too; saying it again costs nothing and does not depend
    // on which version of the accounts service runs.
    this.accounts.endSessions(subject);
    await this.tombstones.insert(hash);
    return this.jobs.start('erasure', subject, hash);
  }
}
