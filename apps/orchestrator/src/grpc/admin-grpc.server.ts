import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AdminService } from '../admin/admin.service';
import { loadAdminGrpcConfig } from './admin-grpc.config';
import { listenAdminGrpc, type RunningAdminGrpc } from './admin-grpc.listen';

/** Runs the admin gRPC API for the lifetime of the application. */
@Injectable()
export class AdminGrpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AdminGrpc');
  private running?: RunningAdminGrpc;

  // Explicit token: the specs' compiler (esbuild) emits no decorator metadata.
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  /** The port bound while serving (useful when configured as 0). */
  get port(): number | undefined {
    return this.running?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const config = loadAdminGrpcConfig();
    this.running = await listenAdminGrpc(this.admin, {
      host: config.ORCHESTRATOR_GRPC_HOST,
      port: config.ORCHESTRATOR_GRPC_PORT,
      token: config.ADMIN_TOKEN,
      log: this.logger,
    });
    this.logger.log(`gRPC admin API on ${config.ORCHESTRATOR_GRPC_HOST}:${this.running.port}`);
  }

  // Before, not on, application shutdown: calls in flight still need the database and NATS,
  // which close on application shutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }
}
