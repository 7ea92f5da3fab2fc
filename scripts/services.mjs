// The platform's processes in start order, shared by `pnpm start`, the database set-up and the
// end-to-end tests. `database`: the service owns a PostgreSQL database and role of that name;
// `features`: an XMPP feature service, ready once it has published its features.
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
  },
  {
    name: 'private',
    database: 'sotto_private',
    migrate: 'apps/private/dist/migrate.js',
    main: 'apps/private/dist/main.js',
    features: true,
  },
];

/** The connection string a service uses for its own database (overridable per service). */
export function databaseUrl(service, env = process.env) {
  const variable = `${service.name.toUpperCase()}_DATABASE_URL`;
  const host = env.PGHOST_ADDR ?? '127.0.0.1:5432';
  return env[variable] ?? `postgres://${service.database}@${host}/${service.database}`;
}
