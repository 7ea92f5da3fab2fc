import {
  Inject,
  Injectable,
  UnauthorizedException,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator.config';

interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
  adminActor?: string;
}

/** Refuses every request without `Authorization: Bearer <ADMIN_TOKEN>`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;
  private readonly actor: string;

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: Pick<OrchestratorConfig, 'ADMIN_TOKEN'>) {
    this.expected = sha256(config.ADMIN_TOKEN);
    // The audit names the credential, not a person: a short hash of the token.
    this.actor = `http:${this.expected.toString('hex').slice(0, 12)}`;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    // Comparing fixed-length digests in constant time reveals neither the token nor its length.
    if (!match || !timingSafeEqual(sha256(match[1]), this.expected)) {
      throw new UnauthorizedException('a valid bearer token is required');
    }
    request.adminActor = this.actor;
    return true;
  }
}

/** The pseudonymous label of the credential the guard accepted. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<AdminRequest>().adminActor;
  if (actor === undefined) {
    throw new UnauthorizedException('a valid bearer token is required');
  }
  return actor;
});

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
