// Starts the real Temporal dev server (the CLI built by install-temporal.sh) for npm start, tests and benchmarks.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../config/env.ts';

export const temporalBinary = join(projectRoot, '.tools', 'bin', 'temporal');

/** Search attributes ops filter on in the Temporal UI; the workflow upserts them. */
export const searchAttributeArgs = [
  '--search-attribute', 'TenantId=Keyword',
  '--search-attribute', 'ConversationCategory=Keyword',
  '--search-attribute', 'BookingStatus=Keyword',
  '--search-attribute', 'ConversationProblem=Keyword',
];

export interface TemporalDevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface TemporalDevServerOptions {
  /** A file keeps workflows across restarts (npm start); without it the server runs in memory (tests). */
  dbFile?: string;
  port?: number;
  uiPort?: number | null;
  log?: (line: string) => void;
  /** Run it at this nice (npm start: below the API, as the benchmark does). */
  nice?: number;
  /** Its own process group, so a terminal's Ctrl-C reaches only the launcher, which stops it in order. */
  ownProcessGroup?: boolean;
}

export function ensureTemporalCli(): string {
  if (!existsSync(temporalBinary)) {
    const r = spawnSync('bash', [join(projectRoot, 'scripts', 'install-temporal.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('Could not install the Temporal CLI (see above).');
  }
  return temporalBinary;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, host);
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`Nothing listened on ${host}:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const bin = ensureTemporalCli();
  const port = opts.port ?? (await freePort());
  const uiPort = opts.uiPort === undefined ? null : opts.uiPort;
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--namespace', 'default',
    // One SQLite connection and one shard: WAL and no fsync keep it from being the bottleneck.
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=OFF',
    '--log-level', 'error',
    // An activity the workflow schedules goes back to the same worker in the workflow task's answer,
    // skipping a round through matching (deploy/temporal/dynamicconfig/production.yaml does the same).
    '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
    ...searchAttributeArgs,
  ];
  if (opts.dbFile) {
    mkdirSync(join(opts.dbFile, '..'), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));

  const spawnOptions: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.ownProcessGroup === true };
  // `nice` execs the server in place: same pid, every thread it starts inherits the priority.
  const child = opts.nice ? spawn('nice', ['-n', String(opts.nice), bin, ...args], spawnOptions) : spawn(bin, args, spawnOptions);
  const log = opts.log ?? (() => {});
  child.stdout?.on('data', (d: Buffer) => log(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    waitForPort(port, 60_000),
    exited.then(() => {
      throw new Error('The Temporal dev server exited during start-up');
    }),
  ]);
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: uiPort === null ? null : `http://localhost:${uiPort}`,
    process: child,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
