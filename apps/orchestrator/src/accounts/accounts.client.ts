import { Inject, Injectable } from '@nestjs/common';
import { errors } from '@nats-io/transport-node';
import { NatsClient, RpcError } from '@sotto/nats';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';

export type AccountsBus = Pick<NatsClient, 'request' | 'publish'>;

/** The accounts service as the orchestrator uses it; bus errors become admin errors here. */
@Injectable()
export class AccountsClient {
  constructor(@Inject(NatsClient) private readonly nats: AccountsBus) {}

  /** Creates an account for a prepared bare JID; Conflict when it exists. */
  async create(jid: string, password: string): Promise<string> {
    return (await this.call(() => this.nats.request('accounts.create', { jid, password }))).jid;
  }

  async exists(jid: string): Promise<boolean> {
    return (await this.call(() => this.nats.request('accounts.exists', { jid }))).exists;
  }

  /** Blocks every later login; false when there is no such account. */
  async disable(jid: string): Promise<boolean> {
    return (await this.call(() => this.nats.request('accounts.disable', { jid }))).disabled;
  }

  /** Every gateway closes the user's sessions at once. */
  endSessions(jid: string): void {
    this.nats.publish('sessions.end', { jid, condition: 'not-authorized' });
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof RpcError) {
        throw toAdminException(error);
      }
      // NatsClient maps only some transport errors (no responders arrives as a RequestError).
      if (isTransportError(error)) {
        throw new AdminException(
          AdminErrorCode.Unavailable,
          'the accounts service does not answer',
        );
      }
      throw error;
    }
  }
}

function isTransportError(error: unknown): boolean {
  return (
    error instanceof errors.RequestError ||
    error instanceof errors.NoRespondersError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.ConnectionError ||
    error instanceof errors.ClosedConnectionError ||
    error instanceof errors.DrainingConnectionError
  );
}

// The one place where the accounts service's answers become admin errors.
function toAdminException(error: RpcError): AdminException {
  switch (error.code) {
    case 'conflict':
      return new AdminException(AdminErrorCode.Conflict, 'the account already exists');
    case 'bad-request':
      return new AdminException(AdminErrorCode.Invalid, error.message);
    case 'not-found':
      return new AdminException(AdminErrorCode.NotFound, 'no such account');
    case 'unavailable':
    case 'timeout':
      return new AdminException(AdminErrorCode.Unavailable, 'the accounts service does not answer');
    case 'forbidden':
    case 'internal':
      return new AdminException(
        AdminErrorCode.Unavailable,
        `the accounts service failed: ${error.message}`,
      );
  }
}
