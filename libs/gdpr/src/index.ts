export * from './gdpr-streams';
