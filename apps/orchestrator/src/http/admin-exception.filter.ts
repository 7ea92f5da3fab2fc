import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { errorName } from '../bus/error-text';

interface JsonResponse {
  headersSent: boolean;
  status(code: number): JsonResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

// The one place where admin errors become HTTP statuses.
const statusOf: Record<AdminErrorCode, number> = {
  [AdminErrorCode.Invalid]: HttpStatus.BAD_REQUEST,
  [AdminErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [AdminErrorCode.Conflict]: HttpStatus.CONFLICT,
  [AdminErrorCode.NotReady]: HttpStatus.CONFLICT,
  [AdminErrorCode.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Every error of the HTTP API as `{statusCode, message}` (and `code` for admin errors). */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    const { body, headers } = this.toBody(error);
    if (response.headersSent) {
      return;
    }
    for (const [name, value] of Object.entries(headers)) {
      response.setHeader(name, value);
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(error: unknown): {
    body: { statusCode: number; message: string; code?: string };
    headers: Record<string, string>;
  } {
    if (error instanceof AdminException) {
      return {
        body: { statusCode: statusOf[error.code], message: error.message, code: error.code },
        headers: {},
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return {
        body: { statusCode: status, message: messageOf(error) },
        headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
      };
    }
    // Only the type: a driver's message may quote a JID from the request.
    this.logger.error(`request failed: ${errorName(error)}`);
    return { body: { statusCode: 500, message: 'internal error' }, headers: {} };
  }
}

function messageOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : error.message;
}
