import { Controller, Delete, Get, HttpCode, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminService } from '../admin/admin.service';
import type { RegisteredService } from '../registry/registry.service';
import { AdminExceptionFilter } from './admin-exception.filter';
import { Actor, AdminTokenGuard } from './admin-token.guard';
import { ErrorSchema } from './http-bodies';
import { openApiSchema } from './openapi';

const error = openApiSchema(ErrorSchema);

/** The registry of services that hold personal data (every job waits for each of them). */
@ApiTags('services')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no or wrong bearer token', schema: error })
@UseGuards(AdminTokenGuard)
@UseFilters(AdminExceptionFilter)
@Controller('services')
export class ServicesController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiResponse({ status: 200, description: 'every registered service with its datasets' })
  list(@Actor() actor: string): Promise<RegisteredService[]> {
    return this.admin.listServices(actor);
  }

  @Delete(':service')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'decommissioned: later jobs no longer wait for it' })
  @ApiResponse({ status: 404, description: 'no such service is registered', schema: error })
  async decommission(@Param('service') service: string, @Actor() actor: string): Promise<void> {
    await this.admin.decommissionService(service, actor);
  }
}
