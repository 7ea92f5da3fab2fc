// Creates each service's PostgreSQL role and database (idempotent), so that no service can read
// another's tables: every database belongs to its own role and PUBLIC may not connect.
import pg from 'pg';
import { services } from './services.mjs';

const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function setUpDatabases() {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const { database } of services.filter((s) => s.database)) {
      const ident = client.escapeIdentifier(database);
      const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database]);
      if (role.rowCount === 0) {
        await client.query(`CREATE ROLE ${ident} LOGIN`);
      }
      const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (db.rowCount === 0) {
        await client.query(`CREATE DATABASE ${ident} OWNER ${ident}`);
      }
      await client.query(`REVOKE ALL ON DATABASE ${ident} FROM PUBLIC`);
      await client.query(`GRANT CONNECT ON DATABASE ${ident} TO ${ident}`);
    }
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  setUpDatabases().then(
    () => console.log('databases ready'),
    (error) => {
      console.error(`database set-up failed: ${error.message}`);
      process.exit(1);
    },
  );
}
