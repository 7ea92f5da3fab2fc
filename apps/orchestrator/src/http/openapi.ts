import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI schema from the zod schema that validates the same thing: one source of truth. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as SchemaObject;
}

/** The OpenAPI document at `/api/docs` (JSON at `/api/docs-json`); it lists no secrets. */
export function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sotto orchestrator')
      .setDescription(
        'Accounts and GDPR data-subject requests (export, erasure). Every route needs ' +
          '`Authorization: Bearer <ADMIN_TOKEN>`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { useGlobalPrefix: false });
}
