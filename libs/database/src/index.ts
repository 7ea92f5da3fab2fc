export * from './migrate';
export * from './scratch-database';
