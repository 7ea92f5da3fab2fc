export * from './migrate';
export * from './scratch-database';
export * from './advisory-locks';
