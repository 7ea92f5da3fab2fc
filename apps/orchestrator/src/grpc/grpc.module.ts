import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AdminGrpcServer } from './admin-grpc.server';

/** The admin API over gRPC (`proto/sotto/admin/v1/admin.proto`), a facade of `AdminService`. */
@Module({
  imports: [AdminModule],
  providers: [AdminGrpcServer],
})
export class GrpcModule {}
