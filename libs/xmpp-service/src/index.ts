export * from './iq-handler';
export * from './iq-server';
export * from './stanza-sender';
export * from './xmpp-service.module';
