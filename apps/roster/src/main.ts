import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { RosterModule } from './roster/roster.module';
import { loadRosterConfig } from './config/roster.config';

async function bootstrap(): Promise<void> {
  const config = loadRosterConfig();
  const app = await NestFactory.createApplicationContext(RosterModule.forRoot(config), {
    logger: createServiceLogger('roster', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `roster: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
