import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { loadVcardConfig } from './config/vcard.config';
import { VcardModule } from './vcard/vcard.module';

async function bootstrap(): Promise<void> {
  const config = loadVcardConfig();
  const app = await NestFactory.createApplicationContext(VcardModule.forRoot(config), {
    logger: createServiceLogger('vcard', config.LOG_LEVEL),
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `vcard: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
