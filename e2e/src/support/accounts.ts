import { randomBytes } from 'node:crypto';
import { NatsClient } from '@sotto/nats';

let nats: Promise<NatsClient> | undefined;

/** The test's own connection to the bus, to create accounts the way the orchestrator will. */
export function bus(): Promise<NatsClient> {
  nats ??= NatsClient.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'e2e',
  });
  return nats;
}

export interface TestAccount {
  username: string;
  password: string;
  jid: string;
}

/** A fresh account with a unique name, so reruns against the same database never collide. */
export async function createAccount(prefix = 'user'): Promise<TestAccount> {
  const username = `${prefix}-${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const jid = `${username}@localhost`;
  await (await bus()).request('accounts.create', { jid, password });
  return { username, password, jid };
}
