import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { ArchiveModule } from './archive/archive.module';
import { loadArchiveConfig } from './config/archive.config';

async function bootstrap(): Promise<void> {
  const config = loadArchiveConfig();
  const app = await NestFactory.createApplicationContext(ArchiveModule.forRoot(config), {
    logger: createServiceLogger('archive', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `archive: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
