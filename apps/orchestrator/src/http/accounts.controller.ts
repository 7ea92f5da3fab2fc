import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Param,
  Post,
  Put,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminService, type JobView } from '../admin/admin.service';
import { AdminExceptionFilter } from './admin-exception.filter';
import { Actor, AdminTokenGuard } from './admin-token.guard';
import {
  ErrorSchema,
  JobEnvelopeSchema,
  RegisterBody,
  RegisterIdentifiedBody,
  RegisteredSchema,
} from './http-bodies';
import { openApiSchema } from './openapi';
import { ZodBodyPipe } from './zod-body.pipe';

const error = openApiSchema(ErrorSchema);

@ApiTags('accounts')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no or wrong bearer token', schema: error })
@UseGuards(AdminTokenGuard)
@UseFilters(AdminExceptionFilter)
@Controller('accounts')
export class AccountsController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(RegisterBody), required: false })
  @ApiResponse({
    status: 201,
    description: 'account with a random JID',
    schema: openApiSchema(RegisteredSchema),
  })
  @ApiResponse({ status: 400, description: 'invalid body or foreign domain', schema: error })
  register(
    @Body(new ZodBodyPipe(RegisterBody)) body: RegisterBody,
    @Actor() actor: string,
  ): Promise<{ jid: string; password?: string }> {
    return this.admin.register(body, actor);
  }

  @Put(':jid')
  @HttpCode(201)
  @ApiParam({ name: 'jid', description: 'bare JID of this server’s domain' })
  @ApiBody({ schema: openApiSchema(RegisterIdentifiedBody) })
  @ApiResponse({
    status: 201,
    description: 'account created',
    schema: openApiSchema(RegisteredSchema),
  })
  @ApiResponse({ status: 400, description: 'invalid JID or body', schema: error })
  @ApiResponse({ status: 409, description: 'exists, or was erased', schema: error })
  registerIdentified(
    @Param('jid') jid: string,
    @Body(new ZodBodyPipe(RegisterIdentifiedBody)) body: RegisterIdentifiedBody,
    @Actor() actor: string,
  ): Promise<{ jid: string }> {
    return this.admin.registerIdentified(jid, body.password, actor);
  }

  @Delete(':jid')
  @HttpCode(202)
  @ApiParam({ name: 'jid', description: 'bare JID of the account to erase' })
  @ApiResponse({
    status: 202,
    description: 'erasure job started',
    schema: openApiSchema(JobEnvelopeSchema),
  })
  @ApiResponse({ status: 404, description: 'no such account', schema: error })
  @ApiResponse({ status: 409, description: 'an erasure of this account is running', schema: error })
  async unregister(@Param('jid') jid: string, @Actor() actor: string): Promise<{ job: JobView }> {
    return { job: await this.admin.startErasure(jid, actor) };
  }
}
