// `npm run stack:server` as an operator runs it (here with --free-ports so it fits beside the other tests):
// the source-built server on PostgreSQL, the API and two worker processes polling our task queue, each
// with its metrics; SIGTERM stops all of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../config/env.ts';
import { ensureTemporalCli } from '../../scripts/temporal-dev-server.ts';
import { nodeBinary } from '../support/child-worker.ts';
import { waitFor } from '../support/pipeline.ts';
import { scrape, sourceServerAvailability } from './source-server.ts';

const availability = sourceServerAvailability();

describe.skipIf(!availability.ok)('npm run stack:server', () => {
  const suffix = randomBytes(5).toString('hex');
  const databases = [`temporal_stack_${suffix}`, `temporal_stack_${suffix}_vis`, `intellisend_stack_${suffix}`];
  let adminUrl: string;
  let child: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;

  const banner = (label: string) => new RegExp(`${label}: +(\\S+)`).exec(output)?.[1];

  beforeAll(async () => {
    adminUrl = inject('postgresAdminUrl');
    const appDb = new URL(adminUrl);
    appDb.pathname = `/${databases[2]}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${databases[2]}"`);
    await admin.end();
    child = spawn(nodeBinary, [join(projectRoot, 'scripts', 'stack-server.ts'), '--free-ports'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_ADMIN_URL: adminUrl,
        TEMPORAL_DB_NAME: databases[0],
        TEMPORAL_VISIBILITY_DB_NAME: databases[1],
        DATABASE_URL: appDb.toString(),
        LOG_LEVEL: 'warn',
        // The machine's PostgreSQL is shared by every test file: at most 4 × (3 + 1) connections.
        TEMPORAL_DB_MAX_CONNS: '3',
        TEMPORAL_VISIBILITY_DB_MAX_CONNS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-400_000)));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(async () => /Ctrl-C stops everything/.test(output) || child.exitCode !== null, { timeoutMs: 240_000, intervalMs: 500, what: 'the stack:server banner' });
    if (child.exitCode !== null) throw new Error(`stack:server exited (${child.exitCode}):\n${output.slice(-5_000)}`);
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
  });

  it('serves the API, ready and with its metrics, and runs two workers on the source-built server', { timeout: 120_000 }, async () => {
    const app = banner('App');
    expect(app, output.slice(-3_000)).toBeDefined();
    const ready = await fetch(`${app}/api/health/ready`);
    expect(await ready.json()).toEqual({ ok: true, db: 'up', temporal: 'up' });
    expect(await scrape(banner('App metrics')!)).toMatch(/^intellisend_bookings\{status="created"\} 0$/m);

    const temporal = banner('Temporal')!.replace(/,$/, '');
    const pollers = await waitFor(
      async () => {
        const r = spawn(ensureTemporalCli(), ['task-queue', 'describe', '--task-queue', 'intellisend', '--legacy-mode', '--address', temporal, '-o', 'json'], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        r.stdout.on('data', (d: Buffer) => (out += d.toString()));
        await new Promise((resolve) => r.once('exit', resolve));
        const identities = new Set((JSON.parse(out || '{}') as { pollers?: Array<{ identity: string }> }).pollers?.map((p) => p.identity));
        return identities.size >= 2 ? identities : null;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: 'two worker processes polling the task queue' },
    );
    expect(pollers.size).toBe(2);
  });

  it('stops the API, the workers and the server on SIGTERM', { timeout: 120_000 }, async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const app = banner('App')!;
    await expect(fetch(`${app}/api/health/live`)).rejects.toThrow();
    const temporal = banner('Temporal')!.replace(/,$/, '');
    const r = spawn(ensureTemporalCli(), ['operator', 'cluster', 'health', '--address', temporal, '--command-timeout', '3s'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => r.once('exit', resolve))).not.toBe(0);
  });
});
