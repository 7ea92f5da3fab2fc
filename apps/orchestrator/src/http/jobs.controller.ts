import { Controller, Get, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminService, type JobView } from '../admin/admin.service';
import { AdminExceptionFilter } from './admin-exception.filter';
import { Actor, AdminTokenGuard } from './admin-token.guard';
import { ErrorSchema, JobViewSchema } from './http-bodies';
import { openApiSchema } from './openapi';

const error = openApiSchema(ErrorSchema);

@ApiTags('jobs')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no or wrong bearer token', schema: error })
@UseGuards(AdminTokenGuard)
@UseFilters(AdminExceptionFilter)
@Controller('jobs')
export class JobsController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiResponse({
    status: 200,
    description: 'the newest 100 jobs, newest first',
    schema: openApiSchema(z.array(JobViewSchema)),
  })
  list(@Actor() actor: string): Promise<JobView[]> {
    return this.admin.listJobs(actor);
  }

  @Get(':id')
  @ApiResponse({ status: 200, description: 'the job', schema: openApiSchema(JobViewSchema) })
  @ApiResponse({ status: 404, description: 'no such job', schema: error })
  get(@Param('id') id: string, @Actor() actor: string): Promise<JobView> {
    return this.admin.getJob(id, actor);
  }
}
