import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { loadOfflineConfig } from './config/offline.config';
import { OfflineModule } from './offline/offline.module';

async function bootstrap(): Promise<void> {
  const config = loadOfflineConfig();
  const app = await NestFactory.createApplicationContext(OfflineModule.forRoot(config), {
    logger: createServiceLogger('offline', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `offline: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
