export * from './fields';
export * from './rpc-envelope';
export * from './accounts.contract';
export * from './sessions.contract';
export * from './registry';
export * from './gdpr.contract';
export * from './xmpp-services.contract';
export * from './roster.contract';
