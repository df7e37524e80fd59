// `npm run stack:server`: the production topology on this machine, without Docker — what docker-compose.yml
// runs, with the Temporal server built from source instead of temporalio/server:
//   1. builds (once) or reuses the Temporal server and SQL tool in .tools/bin (scripts/install-temporal-server.sh);
//   2. the schema job: creates and migrates Temporal's two databases on the PostgreSQL at DATABASE_ADMIN_URL
//      (default postgres://postgres@127.0.0.1:5432/postgres), named TEMPORAL_DB_NAME / TEMPORAL_VISIBILITY_DB_NAME
//      (default intellisend_temporal, intellisend_temporal_visibility);
//   3. the server, from deploy/temporal/config/server.yaml (the template compose mounts) with
//      NUM_HISTORY_SHARDS (default 512, fixed once the databases exist), TEMPORAL_DB_MAX_CONNS /
//      TEMPORAL_VISIBILITY_DB_MAX_CONNS (default 20 / 10 per service, four services) and the production dynamic config,
//      on 7233 (gRPC), 8000 (its metrics) and the other template defaults — or free ports with --free-ports;
//   4. the namespace job (namespace TEMPORAL_NAMESPACE, retention TEMPORAL_RETENTION, our search attributes);
//   5. the app's database (DATABASE_URL, default database `intellisend_stack` on the same server) migrated,
//      then the API (PORT, default 3000; metrics on METRICS_PORT, default 9464) and two workers
//      (metrics on WORKER_METRICS_PORT and the next port, default 9465 and 9466), restarted when they die.
// Everything else the app reads (OPENAI_API_KEY, TWILIO_API_BASE_URL, …) passes through from the environment.
// Ctrl-C (SIGINT) or SIGTERM stops the children (workers get their shutdown grace), then the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { EnvError, loadEnv, projectRoot } from '../config/env.ts';
import { createDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger } from '../logging/logger.ts';
import { freePort } from './temporal-dev-server.ts';
import { startTemporalOnPostgres, TemporalServerUnavailable, type TemporalOnPostgres } from './temporal-server.ts';

const { values: flags } = parseArgs({ options: { 'free-ports': { type: 'boolean', default: false } } });
// A run on this machine: development (generated keys in .data/) unless NODE_ENV says otherwise — with
// NODE_ENV=production it needs the production variables, as the compose file does.
const vars: NodeJS.ProcessEnv = { NODE_ENV: 'development', ...process.env };
const adminUrl = vars.DATABASE_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const logger = createLogger('info', { service: 'stack-server' });

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function ensureDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

const children = new Set<ChildProcess>();
let stopping = false;

function supervise(name: string, script: string, env: Record<string, string | undefined>): void {
  let failures = 0;
  const launch = () => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [join(projectRoot, script)], { cwd: projectRoot, env, stdio: 'inherit' });
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      failures = Date.now() - startedAt > 30_000 ? 1 : failures + 1;
      const delay = Math.min(30_000, 500 * 2 ** failures);
      logger.error(`${name} exited; restarting`, { code, signal, inMs: delay });
      setTimeout(() => {
        if (!stopping) launch();
      }, delay);
    });
  };
  launch();
}

async function waitForReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const ok = await fetch(`${url}/api/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

let temporal: TemporalOnPostgres | null = null;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    logger.info('stopping');
    await Promise.all(
      [...children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 75_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await temporal?.stop();
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

async function main(): Promise<void> {
  const freePorts = flags['free-ports'];
  temporal = await startTemporalOnPostgres({
    adminUrl,
    database: vars.TEMPORAL_DB_NAME || 'intellisend_temporal',
    visibilityDatabase: vars.TEMPORAL_VISIBILITY_DB_NAME || 'intellisend_temporal_visibility',
    ...(vars.NUM_HISTORY_SHARDS ? { shards: Number(vars.NUM_HISTORY_SHARDS) } : {}),
    ...(vars.TEMPORAL_DB_MAX_CONNS ? { maxConns: Number(vars.TEMPORAL_DB_MAX_CONNS) } : {}),
    ...(vars.TEMPORAL_VISIBILITY_DB_MAX_CONNS ? { visibilityMaxConns: Number(vars.TEMPORAL_VISIBILITY_DB_MAX_CONNS) } : {}),
    ...(vars.TEMPORAL_RETENTION ? { retention: vars.TEMPORAL_RETENTION } : {}),
    namespace: vars.TEMPORAL_NAMESPACE || 'default',
    freePorts,
    logLevel: 'warn',
    log: (line) => process.stderr.write(line),
  });
  logger.info('temporal server ready', { address: temporal.address, metrics: temporal.metricsUrl });

  const appDatabaseUrl = vars.DATABASE_URL || databaseUrl('intellisend_stack');
  if (!vars.DATABASE_URL) await ensureDatabase('intellisend_stack');
  const port = vars.PORT || String(freePorts ? await freePort() : 3000);
  const metricsPort = vars.METRICS_PORT || String(freePorts ? await freePort() : 9464);
  const workerMetricsPort = Number(vars.WORKER_METRICS_PORT || (freePorts ? await freePort() : 9465));
  const composed = loadEnv({
    ...vars,
    DATABASE_URL: appDatabaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    PORT: port,
  });
  const db = createDatabase(appDatabaseUrl, { poolMax: 2 });
  try {
    await migrate(db.sequelize);
  } finally {
    await db.sequelize.close();
  }
  // The development keys are handed over explicitly so every process uses the same ones.
  const childEnv = {
    ...vars,
    DATABASE_URL: appDatabaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    PORT: port,
    METRICS_PORT: metricsPort,
    ENCRYPTION_KEY: composed.ENCRYPTION_KEY,
    SESSION_SECRET: composed.SESSION_SECRET,
    WORKER_SHUTDOWN_GRACE_SECONDS: vars.WORKER_SHUTDOWN_GRACE_SECONDS || '60',
  };
  supervise('api', 'api/main.ts', childEnv);
  for (const i of [0, 1]) {
    const workerPort = freePorts && i === 1 ? await freePort() : workerMetricsPort + i;
    supervise(`worker-${i + 1}`, 'worker.ts', { ...childEnv, WORKER_METRICS_PORT: String(workerPort) });
  }
  const appUrl = `http://localhost:${port}`;
  if (!(await waitForReady(appUrl, 120_000))) logger.warn('the API did not report ready within 120 s; see the log above', { url: appUrl });
  const lines = [
    'IntelliSend on the source-built Temporal server (the production topology, no Docker)',
    `App:              ${appUrl}   (ready: ${appUrl}/api/health/ready)`,
    `App metrics:      http://127.0.0.1:${metricsPort}/metrics`,
    `Temporal:         ${temporal.address}, namespace ${temporal.namespace}, metrics ${temporal.metricsUrl}`,
    `Temporal DBs:     ${temporal.databases.database}, ${temporal.databases.visibilityDatabase} on ${temporal.databases.host}:${temporal.databases.port}`,
    `App database:     ${new URL(appDatabaseUrl).pathname.slice(1)}`,
    'Workers:          2 (node worker.ts)',
    'Ctrl-C stops everything.',
  ];
  const rule = '═'.repeat(Math.max(...lines.map((l) => l.length)));
  process.stdout.write(`\n${[rule, ...lines, rule].join('\n')}\n\n`);
}

main().catch(async (err: unknown) => {
  if (err instanceof TemporalServerUnavailable || err instanceof EnvError) process.stderr.write(`${err.message}\n`);
  else logger.error('stack:server failed', { error: err });
  await stop(1);
});
