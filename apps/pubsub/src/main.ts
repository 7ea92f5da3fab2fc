import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { loadPubsubConfig } from './config/pubsub.config';
import { PubsubModule } from './pubsub/pubsub.module';

async function bootstrap(): Promise<void> {
  const config = loadPubsubConfig();
  const app = await NestFactory.createApplicationContext(PubsubModule.forRoot(config), {
    logger: createServiceLogger('pubsub', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `pubsub: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
