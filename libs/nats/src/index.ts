export * from './codec';
export * from './nats-client';
export * from './nats.module';
export * from './rpc-error';
export * from './request-errors';
export * from './streams';
export * from './consumer-catch-up';
