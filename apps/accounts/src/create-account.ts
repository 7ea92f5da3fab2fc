import { NatsClient, RpcError } from '@sotto/nats';

// `pnpm account:create JID PASSWORD`: creates an account through the running accounts service,
// the way the orchestrator will. Until the orchestrator lands, this is the admin's tool.
async function main(): Promise<number> {
  const [jid, password] = process.argv.slice(2);
  if (!jid || !password) {
    console.error('usage: pnpm account:create <user@domain> <password>');
    return 2;
  }
  const nats = await NatsClient.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'account-create',
  });
  try {
    const { jid: created } = await nats.request('accounts.create', { jid, password });
    console.log(`created ${created}`);
    return 0;
  } catch (error) {
    console.error(
      `not created: ${error instanceof RpcError ? `${error.code}: ${error.message}` : String(error)}`,
    );
    return 1;
  } finally {
    await nats.connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`not created: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
