// The production Temporal topology on this machine: the Temporal server built from source (v1.29.1, the
// server version the CLI's dev server carries) on PostgreSQL, configured by the same files compose uses:
//   deploy/temporal/config/server.yaml          the server config template (the server renders it itself)
//   deploy/temporal/dynamicconfig/production.yaml
//   deploy/temporal/setup-schema.sh             the schema job (temporal-sql-tool)
//   deploy/temporal/create-namespace.sh         the namespace + search attribute job (temporal CLI)
// Used by `npm run stack:server` (scripts/stack-server.ts), test/topology and `npm run bench -- --temporal=server`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../config/env.ts';
import { ensureTemporalCli, waitForPort } from './temporal-dev-server.ts';

export const temporalServerVersion = '1.29.1';
export const temporalServerBinary = join(projectRoot, '.tools', 'bin', 'temporal-server');
export const temporalSqlToolBinary = join(projectRoot, '.tools', 'bin', 'temporal-sql-tool');
export const temporalDeployDir = join(projectRoot, 'deploy', 'temporal');
export const serverConfigDir = join(temporalDeployDir, 'config');
/** The template's file name is the server's `--env`. */
export const serverConfigEnvName = 'server';
export const dynamicConfigFile = join(temporalDeployDir, 'dynamicconfig', 'production.yaml');
export const searchAttributesFile = join(temporalDeployDir, 'search-attributes');

/** Thrown when the server cannot be built here (no Go, no cached binary); the caller decides whether to skip. */
export class TemporalServerUnavailable extends Error {}

/** Builds (once) or finds the server and SQL tool: scripts/install-temporal-server.sh, the cache rules live there. */
export function ensureTemporalServer(): { server: string; sqlTool: string } {
  const r = spawnSync('bash', [join(projectRoot, 'scripts', 'install-temporal-server.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status === 3) throw new TemporalServerUnavailable('The Temporal server cannot be built here: Go is missing and no cached binary was found (see above).');
  if (r.status !== 0 || !existsSync(temporalServerBinary) || !existsSync(temporalSqlToolBinary)) {
    throw new Error(`scripts/install-temporal-server.sh failed (exit ${r.status ?? r.signal}); see above.`);
  }
  return { server: temporalServerBinary, sqlTool: temporalSqlToolBinary };
}

/** The search attributes the namespace job registers: deploy/temporal/search-attributes. */
export async function searchAttributes(): Promise<Array<{ name: string; type: string }>> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(searchAttributesFile, 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name = '', type = ''] = l.split(/\s+/);
      return { name, type };
    });
}

/** Temporal's two databases and the role that owns them. */
export interface TemporalDatabases {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  visibilityDatabase: string;
}

/** The role and server of an admin URL (postgres://user:pw@host:port/db), with the two database names. */
export function temporalDatabasesOn(adminUrl: string, names: { database: string; visibilityDatabase: string }): TemporalDatabases {
  const url = new URL(adminUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    ...names,
  };
}

function databaseEnv(db: TemporalDatabases): Record<string, string> {
  return {
    TEMPORAL_DB_HOST: db.host,
    TEMPORAL_DB_PORT: String(db.port),
    TEMPORAL_DB_USER: db.user,
    TEMPORAL_DB_PASSWORD: db.password,
    TEMPORAL_DB_NAME: db.database,
    TEMPORAL_VISIBILITY_DB_NAME: db.visibilityDatabase,
  };
}

export interface JobResult {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], env: Record<string, string>, log?: (line: string) => void): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (d: Buffer) => {
      output += d.toString();
      log?.(d.toString());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The schema job (deploy/temporal/setup-schema.sh) with the source-built SQL tool and its embedded schema. */
export async function runSchemaJob(db: TemporalDatabases, log?: (line: string) => void): Promise<JobResult> {
  const result = await run('sh', [join(temporalDeployDir, 'setup-schema.sh')], { ...databaseEnv(db), TEMPORAL_SQL_TOOL: temporalSqlToolBinary }, log);
  if (result.code !== 0) throw new Error(`The schema job failed (exit ${result.code}):\n${result.output}`);
  return result;
}

export interface NamespaceJobOptions {
  address: string;
  namespace?: string;
  retention?: string;
}

/** The namespace job (deploy/temporal/create-namespace.sh) with .tools/bin/temporal. */
export async function runNamespaceJob(opts: NamespaceJobOptions, log?: (line: string) => void): Promise<JobResult> {
  const result = await run(
    'sh',
    [join(temporalDeployDir, 'create-namespace.sh')],
    {
      TEMPORAL_CLI: ensureTemporalCli(),
      TEMPORAL_ADDRESS: opts.address,
      TEMPORAL_NAMESPACE: opts.namespace ?? 'default',
      TEMPORAL_RETENTION: opts.retention ?? '7d',
    },
    log,
  );
  if (result.code !== 0) throw new Error(`The namespace job failed (exit ${result.code}):\n${result.output}`);
  return result;
}

/** The ports one server process needs; each defaults to the template's (7233 …) unless freePorts is asked. */
export interface TemporalServerPorts {
  frontendGrpc: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
  metrics: number;
}

export const defaultServerPorts: TemporalServerPorts = {
  frontendGrpc: 7233,
  frontendHttp: 7243,
  history: 7234,
  matching: 7235,
  worker: 7239,
  frontendMembership: 6933,
  historyMembership: 6934,
  matchingMembership: 6935,
  workerMembership: 6939,
  metrics: 8000,
};

/**
 * A port that is free now, below 32768: Temporal stores membership ports in a PostgreSQL SMALLINT, so the
 * ephemeral range the OS hands out for port 0 is out of reach.
 */
function freeLowPort(): Promise<number> {
  const candidate = 20_000 + Math.floor(Math.random() * 12_000);
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(freeLowPort()));
    srv.listen(candidate, '127.0.0.1', () => srv.close(() => resolve(candidate)));
  });
}

export async function freeServerPorts(): Promise<TemporalServerPorts> {
  const entries = await Promise.all(Object.keys(defaultServerPorts).map(async (k) => [k, await freeLowPort()] as const));
  const ports = Object.fromEntries(entries) as unknown as TemporalServerPorts;
  if (new Set(Object.values(ports)).size !== entries.length) return freeServerPorts();
  return ports;
}

export interface TemporalServerOptions {
  databases: TemporalDatabases;
  ports?: TemporalServerPorts;
  /** Fixed when the cluster is created (the template defaults to 512); tests may pass fewer to start faster. */
  shards?: number;
  /** Per service (the process runs four): 4 × (this + visibility) connections at most. */
  maxConns?: number;
  visibilityMaxConns?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Defaults to deploy/temporal/dynamicconfig/production.yaml (a test may add per-namespace overrides). */
  dynamicConfigFile?: string;
  log?: (line: string) => void;
}

/** The environment the template reads (deploy/temporal/config/server.yaml lists every variable). */
export function serverConfigEnv(opts: TemporalServerOptions): Record<string, string> {
  const p = opts.ports ?? defaultServerPorts;
  return {
    ...databaseEnv(opts.databases),
    ...(opts.shards ? { NUM_HISTORY_SHARDS: String(opts.shards) } : {}),
    ...(opts.maxConns ? { TEMPORAL_DB_MAX_CONNS: String(opts.maxConns) } : {}),
    ...(opts.visibilityMaxConns ? { TEMPORAL_VISIBILITY_DB_MAX_CONNS: String(opts.visibilityMaxConns) } : {}),
    BIND_ON_IP: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(p.frontendGrpc),
    FRONTEND_HTTP_PORT: String(p.frontendHttp),
    HISTORY_GRPC_PORT: String(p.history),
    MATCHING_GRPC_PORT: String(p.matching),
    WORKER_GRPC_PORT: String(p.worker),
    FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
    HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
    MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
    WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
    PROMETHEUS_ENDPOINT: `127.0.0.1:${p.metrics}`,
    DYNAMIC_CONFIG_FILE_PATH: opts.dynamicConfigFile ?? dynamicConfigFile,
    TEMPORAL_LOG_LEVEL: opts.logLevel ?? 'warn',
  };
}

export const serverConfigArgs = ['--root', '/', '--config', serverConfigDir, '--env', serverConfigEnvName];

/** `temporal-server render-config`: the configuration the server would run with, as YAML. */
export async function renderServerConfig(opts: TemporalServerOptions): Promise<string> {
  const result = await run(temporalServerBinary, [...serverConfigArgs, 'render-config'], serverConfigEnv(opts));
  if (result.code !== 0) throw new Error(`render-config failed (exit ${result.code}):\n${result.output}`);
  return result.output;
}

export interface TemporalServer {
  address: string;
  metricsUrl: string;
  ports: TemporalServerPorts;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the server on already migrated databases and resolves once its frontend reports healthy. */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<TemporalServer> {
  const ports = opts.ports ?? defaultServerPorts;
  const child = spawn(temporalServerBinary, [...serverConfigArgs, '--allow-no-auth', 'start'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...serverConfigEnv({ ...opts, ports }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const take = (d: Buffer) => {
    // Keep the tail only: a long-running server logs a lot.
    out = (out + d.toString()).slice(-200_000);
    opts.log?.(d.toString());
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${ports.frontendGrpc}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await Promise.race([
      (async () => {
        await waitForPort(ports.frontendGrpc, 120_000);
        const cli = ensureTemporalCli();
        const deadline = Date.now() + 120_000;
        for (;;) {
          const health = await run(cli, ['operator', 'cluster', 'health', '--address', address], {});
          if (health.code === 0 && /SERVING/.test(health.output)) return;
          if (Date.now() > deadline) throw new Error(`The Temporal server at ${address} did not report healthy:\n${health.output}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      })(),
      exited.then((code) => {
        throw new Error(`The Temporal server exited during start-up (exit ${code}):\n${out.slice(-5_000)}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    ports,
    process: child,
    output: () => out,
    stop,
  };
}

export interface TemporalOnPostgresOptions extends Omit<TemporalServerOptions, 'databases' | 'ports'> {
  /** A role allowed to create databases: postgres://postgres@127.0.0.1:5432/postgres. */
  adminUrl: string;
  database: string;
  visibilityDatabase: string;
  /** Free ports instead of the template's defaults (tests, benchmarks beside a dev server). */
  freePorts?: boolean;
  namespace?: string;
  /** More namespaces to create the same way (each gets our search attributes). */
  extraNamespaces?: string[];
  retention?: string;
}

export interface TemporalOnPostgres extends TemporalServer {
  databases: TemporalDatabases;
  namespace: string;
}

/**
 * The whole Temporal side of the topology, in compose's order: the schema job, the server, the namespace
 * job. Nothing is dropped on stop: the databases are the cluster (drop them yourself for a throwaway one).
 */
export async function startTemporalOnPostgres(opts: TemporalOnPostgresOptions): Promise<TemporalOnPostgres> {
  ensureTemporalServer();
  const databases = temporalDatabasesOn(opts.adminUrl, { database: opts.database, visibilityDatabase: opts.visibilityDatabase });
  await runSchemaJob(databases, opts.log);
  const ports = opts.freePorts ? await freeServerPorts() : defaultServerPorts;
  const server = await startTemporalServer({ ...opts, databases, ports });
  const namespace = opts.namespace ?? 'default';
  try {
    for (const ns of [namespace, ...(opts.extraNamespaces ?? [])]) {
      await runNamespaceJob({ address: server.address, namespace: ns, ...(opts.retention ? { retention: opts.retention } : {}) }, opts.log);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { ...server, databases, namespace };
}
