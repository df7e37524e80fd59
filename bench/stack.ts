// The stack the webhook and pipeline benchmarks run against: a dedicated Temporal dev server (WAL pragmas),
// a fresh migrated database on the local PostgreSQL, the fakes in a child process, the API in a child
// process and workers in child processes — everything on 127.0.0.1.
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { dataDir, loadEnv, type Env } from '../config/env.ts';
import { createDatabase, createSequelize, type Database } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { startTemporalDevServer, freePort } from '../scripts/temporal-dev-server.ts';
import { startTemporalOnPostgres } from '../scripts/temporal-server.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { failureConverterPath } from '../temporal/data-converter.ts';
import { createPhoneNumber, createServiceTitanConfig, createTenant } from '../test/support/factories.ts';
import { workflowsPath } from '../worker.ts';
import type { FakesStats, FakeUrls, TwilioSendsByTo, TwilioSendStats } from './fakes-host.ts';
import { databaseUrl } from './inbox-data.ts';
import { envVars, spawnBenchChild, type BenchChild } from './processes.ts';
import { quietBundlerLogger } from '../test/support/quiet-bundler-logger.ts';

export const benchDataDir = join(dataDir, 'bench');

export interface BenchTenant {
  id: string;
  accountSid: string;
  authToken: string;
  ourNumber: string;
  /** The tenant's id at the fake ServiceTitan. */
  serviceTitanTenantId: string;
}

export interface BenchTemporal {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `dev`: a dedicated dev server (WAL pragmas). `server`: the production topology, the source-built server
 * with its two databases on the same PostgreSQL (dropped afterwards), 512 shards, free ports.
 */
async function startBenchTemporal(kind: 'dev' | 'server', adminUrl: string, cleanups: Array<() => Promise<void>>): Promise<BenchTemporal> {
  if (kind === 'dev') return startTemporalDevServer();
  const suffix = randomBytes(5).toString('hex');
  const names = { database: `temporal_bench_${suffix}`, visibilityDatabase: `temporal_bench_${suffix}_vis` };
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    for (const db of [names.database, names.visibilityDatabase]) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.end();
  });
  return startTemporalOnPostgres({ adminUrl, ...names, freePorts: true, logLevel: 'error' });
}

export interface Stack {
  env: Env;
  db: Database;
  box: SecretBox;
  /** The dev server or the source-built server on PostgreSQL (--temporal): its address and process (for CPU). */
  temporal: BenchTemporal;
  fakes: BenchChild;
  fakeUrls: FakeUrls;
  api: BenchChild;
  apiUrl: string;
  bundlePath: string;
  createTenant(label: string): Promise<BenchTenant>;
  setLatency(openaiMs: number, serviceTitanMs: number): Promise<void>;
  fakeStats(): Promise<FakesStats>;
  /** The fake Twilio accepts the tenant's account (its SID and auth token). */
  addTwilioAccount(tenant: BenchTenant): Promise<void>;
  setTwilio(options: { latencyMs: number; statusCallbacks: boolean }): Promise<void>;
  /** What the fake Twilio received from the account: per recipient, and in a time window. */
  twilioSends(accountSid: string, window?: { fromMs: number; toMs: number }): Promise<TwilioSendStats>;
  /** Per recipient of the account: texts received and when the last was created at the fake. */
  twilioSendsByTo(accountSid: string): Promise<TwilioSendsByTo>;
  /** The fake ServiceTitan tenant gets what the assistant's tools look up (customers, a job, open capacity). */
  seedAssistantServiceTitan(tenant: BenchTenant, timeZone: string): Promise<void>;
  /** `envOverrides`: e.g. the worker limits `npm start` sets (bench/overload.ts). */
  startWorkers(count: number, nodeArgs?: string[], envOverrides?: Record<string, string>): Promise<BenchChild[]>;
  close(): Promise<void>;
}

export async function startStack(adminUrl: string, log: (line: string) => void, temporalKind: 'dev' | 'server' = 'dev'): Promise<Stack> {
  mkdirSync(benchDataDir, { recursive: true });
  const dbName = `intellisend_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  // Write out what earlier sections left in the WAL, so their checkpoint does not land in this one's figures.
  await admin.query('CHECKPOINT');
  await admin.end();
  const url = databaseUrl(adminUrl, dbName);
  const cleanups: Array<() => Promise<void>> = [
    async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  ];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  };
  try {
    const migrator = createSequelize(url, { poolMax: 2 });
    await migrate(migrator);
    await migrator.close();

    const [temporal, bundle] = await Promise.all([startBenchTemporal(temporalKind, adminUrl, cleanups), bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quietBundlerLogger })]);
    cleanups.push(() => temporal.stop());
    const bundlePath = join(benchDataDir, `workflow-bundle-${process.pid}.js`);
    writeFileSync(bundlePath, bundle.code);
    cleanups.push(async () => rmSync(bundlePath, { force: true }));

    const openaiKey = `bench-openai-${randomUUID()}`;
    const { child: fakes, ready } = await spawnBenchChild<{ urls: FakeUrls }>({ name: 'fakes', script: 'bench/fakes-host.ts', args: [openaiKey] });
    cleanups.push(() => fakes.stop());
    const fakeUrls = ready.urls;

    const port = await freePort();
    const env = loadEnv({
      NODE_ENV: 'production',
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `bench-${randomUUID().slice(0, 8)}`,
      PORT: String(port),
      PUBLIC_BASE_URL: 'https://intellisend.bench',
      OPENAI_API_KEY: openaiKey,
      OPENAI_BASE_URL: fakeUrls.openai,
      OPENAI_MODEL: 'gpt-5-mini',
      TWILIO_API_BASE_URL: fakeUrls.twilio,
      // The operator's explicit choice of a test double: exactly this host:port.
      SERVICETITAN_ALLOWED_HOSTS: new URL(fakeUrls.serviceTitan).host,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      // Per-request logging is debug; warn keeps the children's stdout out of the measurement.
      LOG_LEVEL: 'warn',
    });
    const db = createDatabase(url, { poolMax: 5 });
    cleanups.push(() => db.sequelize.close());
    const box = new SecretBox(env.ENCRYPTION_KEY);

    const { child: api } = await spawnBenchChild({ name: 'api', script: 'bench/api-process.ts', env: envVars(env) });
    cleanups.push(() => api.stop());

    let tenantSeq = 0;
    return {
      env,
      db,
      box,
      temporal,
      fakes,
      fakeUrls,
      api,
      apiUrl: `http://127.0.0.1:${port}`,
      bundlePath,
      async createTenant(label) {
        tenantSeq++;
        const { tenant, authToken } = await createTenant(db, box, { name: `Bench ${label} ${tenantSeq}` });
        const ourNumber = `+1555${String(8_000_000 + tenantSeq + Math.floor(Math.random() * 900_000)).padStart(7, '0')}`;
        await createPhoneNumber(db, { tenantId: tenant.id, phone: ourNumber });
        const st = { tenantId: String(500_000 + tenantSeq), clientId: `cid.bench.${tenantSeq}`, clientSecret: `cs.${randomBytes(12).toString('hex')}` };
        await fakes.request({
          op: 'addServiceTitanTenant',
          init: { tenantId: st.tenantId, clientId: st.clientId, clientSecret: st.clientSecret, bookingProviderTags: [{ id: 77, name: 'IntelliSend' }] },
        });
        await createServiceTitanConfig(db, box, {
          tenantId: tenant.id,
          environment: 'integration',
          tenantApiBaseUrl: fakeUrls.serviceTitan,
          authUrl: fakeUrls.serviceTitanAuth,
          serviceTitanTenantId: st.tenantId,
          clientId: st.clientId,
          clientSecret: st.clientSecret,
          appKey: fakeUrls.serviceTitanAppKey,
          bookingProvider: '77',
          enabled: true,
        });
        return { id: tenant.id, accountSid: tenant.twilioAccountSid ?? '', authToken, ourNumber, serviceTitanTenantId: st.tenantId };
      },
      async setLatency(openaiMs, serviceTitanMs) {
        await fakes.request({ op: 'setLatency', openaiMs, serviceTitanMs });
      },
      fakeStats: () => fakes.request<FakesStats>({ op: 'stats' }),
      async addTwilioAccount(tenant) {
        await fakes.request({ op: 'addTwilioAccount', accountSid: tenant.accountSid, authToken: tenant.authToken });
      },
      async setTwilio(options) {
        await fakes.request({ op: 'setTwilio', ...options });
      },
      twilioSends: (accountSid, window) => fakes.request<TwilioSendStats>({ op: 'twilioSends', accountSid, ...(window ? { window } : {}) }),
      twilioSendsByTo: (accountSid) => fakes.request<TwilioSendsByTo>({ op: 'twilioSendsByTo', accountSid }),
      async seedAssistantServiceTitan(tenant, timeZone) {
        await fakes.request({ op: 'seedAssistantData', tenantId: tenant.serviceTitanTenantId, timeZone });
      },
      async startWorkers(count, nodeArgs, envOverrides) {
        const started = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            spawnBenchChild({ name: `worker-${i + 1}`, script: 'bench/worker-process.ts', args: [bundlePath], nodeArgs, env: { ...envVars(env), ...envOverrides } }).then((r) => r.child),
          ),
        );
        return started;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
