import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServiceLogger } from '@sotto/logging';
import { loadGatewayConfig } from './config/gateway.config';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await NestFactory.createApplicationContext(GatewayModule.register(config), {
    logger: createServiceLogger('gateway', config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  await app.init();
}

main().catch((error: unknown) => {
  console.error(
    `gateway failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
