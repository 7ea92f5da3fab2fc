import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { AccountsModule } from './accounts/accounts.module';
import { loadAccountsConfig } from './config/accounts.config';

async function bootstrap(): Promise<void> {
  const config = loadAccountsConfig();
  const app = await NestFactory.createApplicationContext(AccountsModule.forRoot(config), {
    logger: createServiceLogger('accounts', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `accounts: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
