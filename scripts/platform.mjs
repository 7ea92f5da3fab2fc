// Runs the whole platform from built code: databases, migrations, then every service with one
// combined log. `pnpm start` builds first; this script alone is for a tree already built.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { setUpDatabases } from './db-setup.mjs';
import { loadSecrets, secretsFile, stateDir } from './secrets.mjs';
import { databaseUrl, services } from './services.mjs';

const secrets = loadSecrets();
// Each service also keeps its own log files there (<LOG_DIR>/<service>/), for GDPR exports.
const env = { LOG_DIR: resolve(stateDir, 'logs'), ...process.env, ...secrets };

await setUpDatabases();
for (const service of services.filter((s) => s.migrate)) {
  const run = spawnSync(process.execPath, [service.migrate], {
    stdio: 'inherit',
    env: { ...env, [`${service.name.toUpperCase()}_DATABASE_URL`]: databaseUrl(service, env) },
  });
  if (run.status !== 0) {
    console.error(`migrations of ${service.name} failed`);
    process.exit(1);
  }
}

const children = services.map((service) => {
  const child = spawn(process.execPath, [service.main], {
    env: { ...env, [`${service.name.toUpperCase()}_DATABASE_URL`]: databaseUrl(service, env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        process.stdout.write(prefix + line + '\n');
      }
    });
  }
  child.on('exit', (code, signal) => {
    console.log(`${prefix}exited (${signal ?? code})`);
    if (!stopping) {
      stop(1);
    }
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) {
    child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

const host = process.env.GATEWAY_HOST ?? '127.0.0.1';
console.log(`Sotto is starting: XMPP domain ${process.env.XMPP_DOMAIN ?? 'localhost'}`);
console.log(
  `  WebSocket: ws://${host}:${process.env.WS_PORT ?? 5280}${process.env.WS_PATH ?? '/ws-xmpp'}`,
);
console.log(`  TCP c2s:   ${host}:${process.env.C2S_PORT ?? 5222} (STARTTLS)`);
console.log(
  `  Admin API: http://${process.env.ORCHESTRATOR_HTTP_HOST ?? '127.0.0.1'}:${process.env.ORCHESTRATOR_HTTP_PORT ?? 8088}/api/v1 (OpenAPI at /api/docs), gRPC on port ${process.env.ORCHESTRATOR_GRPC_PORT ?? 50051}`,
);
console.log(
  `  Admin token (ADMIN_TOKEN) is in ${secretsFile}; try: pnpm sottoctl register --domain localhost`,
);
