// The platform's processes in start order, shared by `pnpm start`, the database set-up and the
// end-to-end tests. `database`: the service owns a PostgreSQL database and role of that name;
// `features`: an XMPP feature service, ready once it has published its features;
// `readySubject`: a request/reply subject the service serves, ready once it answers.
// `e2eEnv`: settings added to the service's environment in the end-to-end tests only.
export const services = [
  {
    name: 'accounts',
    database: 'sotto_accounts',
    migrate: 'apps/accounts/dist/migrate.js',
    main: 'apps/accounts/dist/main.js',
  },
  {
    name: 'orchestrator',
    database: 'sotto_orchestrator',
    migrate: 'apps/orchestrator/dist/migrate.js',
    main: 'apps/orchestrator/dist/main.js',
  },
  { name: 'gateway', main: 'apps/gateway/dist/main.js' },
  {
    name: 'vcard',
    database: 'sotto_vcard',
    migrate: 'apps/vcard/dist/migrate.js',
    main: 'apps/vcard/dist/main.js',
    features: true,
    // Its debug lines name users by pseudonym: the GDPR tests look for them in exports.
    e2eEnv: { LOG_LEVEL: 'debug' },
  },
  {
    name: 'private',
    database: 'sotto_private',
    migrate: 'apps/private/dist/migrate.js',
    main: 'apps/private/dist/main.js',
    features: true,
  },
  {
    name: 'roster',
    database: 'sotto_roster',
    migrate: 'apps/roster/dist/migrate.js',
    main: 'apps/roster/dist/main.js',
    features: true,
  },
  {
    name: 'offline',
    database: 'sotto_offline',
    migrate: 'apps/offline/dist/migrate.js',
    main: 'apps/offline/dist/main.js',
    readySubject: 'offline.fetch',
    // A small quota, so the e2e tests can fill it.
    e2eEnv: { OFFLINE_QUOTA: '5' },
  },
  {
    name: 'archive',
    database: 'sotto_archive',
    migrate: 'apps/archive/dist/migrate.js',
    main: 'apps/archive/dist/main.js',
    features: true,
  },
  {
    name: 'inbox',
    database: 'sotto_inbox',
    migrate: 'apps/inbox/dist/migrate.js',
    main: 'apps/inbox/dist/main.js',
    features: true,
  },
  {
    name: 'pubsub',
    database: 'sotto_pubsub',
    migrate: 'apps/pubsub/dist/migrate.js',
    main: 'apps/pubsub/dist/main.js',
    features: true,
  },
];

/** The connection string a service uses for its own database (overridable per service). */
export function databaseUrl(service, env = process.env) {
  const variable = `${service.name.toUpperCase()}_DATABASE_URL`;
  const host = env.PGHOST_ADDR ?? '127.0.0.1:5432';
  return env[variable] ?? `postgres://${service.database}@${host}/${service.database}`;
}
