export * from './log-level';
export * from './pseudonym';
export * from './service-logger';
