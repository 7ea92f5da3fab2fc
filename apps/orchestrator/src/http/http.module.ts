import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ExportsController } from './exports.controller';
import { JobsController } from './jobs.controller';
import { ServicesController } from './services.controller';

/**
 * The HTTP API under `/api/v1`. Guard and error filter sit on each controller rather than
 * globally, so another transport in the same process (gRPC) is not affected by them.
 */
@Module({
  controllers: [AccountsController, ExportsController, JobsController, ServicesController],
  providers: [AdminTokenGuard],
})
export class HttpModule {}
