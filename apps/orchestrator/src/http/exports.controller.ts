import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  StreamableFile,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { AdminService, type JobView } from '../admin/admin.service';
import { AdminExceptionFilter } from './admin-exception.filter';
import { Actor, AdminTokenGuard } from './admin-token.guard';
import { ErrorSchema, ExportBody, JobEnvelopeSchema } from './http-bodies';
import { openApiSchema } from './openapi';
import { ZodBodyPipe } from './zod-body.pipe';

const error = openApiSchema(ErrorSchema);

@ApiTags('exports')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no or wrong bearer token', schema: error })
@UseGuards(AdminTokenGuard)
@UseFilters(AdminExceptionFilter)
@Controller('exports')
export class ExportsController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(202)
  @ApiBody({ schema: openApiSchema(ExportBody) })
  @ApiResponse({
    status: 202,
    description: 'export job started',
    schema: openApiSchema(JobEnvelopeSchema),
  })
  @ApiResponse({ status: 404, description: 'no such account', schema: error })
  async retrievePersonalData(
    @Body(new ZodBodyPipe(ExportBody)) body: ExportBody,
    @Actor() actor: string,
  ): Promise<{ job: JobView }> {
    return { job: await this.admin.startExport(body.jid, actor) };
  }

  @Get(':id/archive')
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, description: 'the export archive (zip)' })
  @ApiResponse({
    status: 404,
    description: 'no such export, or the archive expired',
    schema: error,
  })
  @ApiResponse({ status: 409, description: 'the export has not completed', schema: error })
  async archive(@Param('id') id: string, @Actor() actor: string): Promise<StreamableFile> {
    const stream = await this.admin.openArchive(id, actor);
    const readable = stream instanceof Readable ? stream : new Readable().wrap(stream);
    return new StreamableFile(readable, {
      type: 'application/zip',
      disposition: `attachment; filename="sotto-export-${id}.zip"`,
    });
  }
}
