import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { loadPrivateConfig } from './config/private.config';
import { PrivateStorageModule } from './private-storage/private-storage.module';

async function bootstrap(): Promise<void> {
  const config = loadPrivateConfig();
  const app = await NestFactory.createApplicationContext(PrivateStorageModule.forRoot(config), {
    logger: createServiceLogger('private', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `private: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
