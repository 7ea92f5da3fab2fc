import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { loadInboxConfig } from './config/inbox.config';
import { InboxModule } from './inbox/inbox.module';

async function bootstrap(): Promise<void> {
  const config = loadInboxConfig();
  const app = await NestFactory.createApplicationContext(InboxModule.forRoot(config), {
    logger: createServiceLogger('inbox', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `inbox: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
