export * from './gdpr-streams';
export * from './gdpr-exports-bucket';
export * from './export-objects';
export * from './gdpr-data-provider';
export * from './gdpr-contract.error';
export * from './gdpr-worker.options';
export * from './gdpr-worker';
export * from './gdpr.module';
export { countLines } from './collect-datasets';
