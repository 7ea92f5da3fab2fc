export * from './log-level';
export * from './pseudonym';
export * from './service-logger';
export * from './log-store.settings';
export { LogStore, processLogStore } from './log-store';
export { LogFileSink, type LogFileSinkOptions } from './log-file-sink';
