// The Temporal server built from source, on the tests' PostgreSQL, for test/topology: each test file gets
// its own cluster (two fresh databases, the schema job, the server on free ports, the namespace job), the
// same steps `npm run stack:server` and compose take.
//
// When the server cannot be built here (no Go and no cached binary), the tests that need it are skipped
// with a loud message saying why; any other failure (a build error, a server that does not start) fails.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { dataDir } from '../../config/env.ts';
import { ensureTemporalCli } from '../../scripts/temporal-dev-server.ts';
import {
  dynamicConfigFile,
  ensureTemporalServer,
  startTemporalOnPostgres,
  TemporalServerUnavailable,
  type TemporalOnPostgres,
} from '../../scripts/temporal-server.ts';

export type Availability = { ok: true } | { ok: false; reason: string };

let availability: Availability | null = null;

/** Builds or finds the server once per test process; prints a loud notice when the tests must skip. */
export function sourceServerAvailability(): Availability {
  if (availability) return availability;
  try {
    ensureTemporalServer();
    availability = { ok: true };
  } catch (err) {
    if (!(err instanceof TemporalServerUnavailable)) throw err;
    availability = { ok: false, reason: err.message };
    const rule = '!'.repeat(100);
    process.stderr.write(
      `\n${rule}\nSKIPPING the tests on the source-built Temporal server (test/topology): ${err.message}\n` +
        `Install Go (>= 1.21) or set TEMPORAL_SERVER_CACHE to a directory holding temporal-server and temporal-sql-tool v1.29.1.\n${rule}\n\n`,
    );
  }
  return availability;
}

export interface TestCluster {
  server: TemporalOnPostgres;
  adminUrl: string;
  /** A query on the cluster's persistence database (Temporal's own tables). */
  queryTemporalDb<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestClusterOptions {
  /** YAML appended to the production dynamic config (e.g. a per-namespace override). */
  dynamicConfigExtra?: string;
  extraNamespaces?: string[];
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const adminUrl = inject('postgresAdminUrl');
  const suffix = randomBytes(5).toString('hex');
  const names = { database: `temporal_test_${suffix}`, visibilityDatabase: `temporal_test_${suffix}_vis` };
  let dynamicConfig = dynamicConfigFile;
  if (options.dynamicConfigExtra) {
    const dir = join(dataDir, 'test');
    mkdirSync(dir, { recursive: true });
    dynamicConfig = join(dir, `dynamicconfig-${suffix}.yaml`);
    writeFileSync(dynamicConfig, `${readFileSync(dynamicConfigFile, 'utf8')}\n${options.dynamicConfigExtra}\n`);
  }
  let log = '';
  const drop = async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      for (const db of [names.database, names.visibilityDatabase]) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  let server: TemporalOnPostgres;
  try {
    server = await startTemporalOnPostgres({
      adminUrl,
      ...names,
      freePorts: true,
      // The machine's PostgreSQL is shared by every test file: at most 4 × (4 + 2) connections.
      maxConns: 4,
      visibilityMaxConns: 2,
      dynamicConfigFile: dynamicConfig,
      ...(options.extraNamespaces ? { extraNamespaces: options.extraNamespaces } : {}),
      log: (line) => (log = (log + line).slice(-20_000)),
    });
  } catch (err) {
    await drop().catch(() => undefined);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- server and job output ---\n${log}`);
  }
  const temporalDbUrl = new URL(adminUrl);
  temporalDbUrl.pathname = `/${names.database}`;
  return {
    server,
    adminUrl,
    async queryTemporalDb(sql, params = []) {
      const client = new pg.Client({ connectionString: temporalDbUrl.toString() });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async close() {
      await server.stop();
      await drop();
    },
  };
}

/** Runs the `temporal` CLI against the cluster; `-o json` output parsed. */
export function temporalCli<T>(address: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(ensureTemporalCli(), [...args, '--address', address, '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`temporal ${args.join(' ')} exited ${code}: ${err || out}`));
      try {
        resolve((out.trim() ? JSON.parse(out) : null) as T);
      } catch {
        reject(new Error(`temporal ${args.join(' ')} printed no JSON: ${out}`));
      }
    });
  });
}

export interface ListedExecution {
  execution: { workflowId: string; runId: string };
  status: string;
  type?: { name: string };
}

/** `temporal workflow list --query …`: what an operator sees when filtering on our search attributes. */
export async function listWorkflows(address: string, namespace: string, query: string): Promise<ListedExecution[]> {
  const out = await temporalCli<ListedExecution[] | ListedExecution | null>(address, ['workflow', 'list', '--namespace', namespace, '--query', query]);
  if (!out) return [];
  return Array.isArray(out) ? out : [out];
}

/** The Prometheus text a /metrics endpoint serves. */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}

/** The value of one series (name plus exact label set as written, e.g. `x{a="b"}`), or null. */
export function sample(text: string, series: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1).split(' ')[0]);
  }
  return null;
}
