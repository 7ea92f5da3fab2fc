import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceLogger } from '@sotto/logging';
import { AppModule } from './app.module';
import { loadOrchestratorConfig } from './config/orchestrator.config';
import { setUpOpenApi } from './http/openapi';

async function bootstrap(): Promise<void> {
  const config = loadOrchestratorConfig();
  const logger = createServiceLogger('orchestrator', config.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    // Let start-up errors reach the catch below, which prints one line instead of a stack.
    abortOnError: false,
  });
  // Nothing to gain from announcing the framework to whoever probes the port.
  app.disable('x-powered-by');
  app.setGlobalPrefix('api/v1');
  setUpOpenApi(app);
  app.enableShutdownHooks();
  await app.listen(config.ORCHESTRATOR_HTTP_PORT, config.ORCHESTRATOR_HTTP_HOST);
  logger.log(
    `HTTP API on http://${config.ORCHESTRATOR_HTTP_HOST}:${config.ORCHESTRATOR_HTTP_PORT}/api/v1`,
  );
}

bootstrap().catch((error: unknown) => {
  // Configuration and connection errors name a variable or an address, never a user.
  console.error(
    `orchestrator: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
