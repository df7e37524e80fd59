// `npm start` as a new user runs it: the real scripts/start.ts through npm, from a state with no web build
// and no data (both in a temporary directory, on free ports, so it collides with nothing), one stack for
// every check here: the login page at the printed URL, the banner last, the demo's story the same in the
// Temporal UI and in booking health, and a SIGTERM that stops everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../api/conversations/api-test-client.ts';
import { projectRoot } from '../config/env.ts';
import type { BookingHealthView } from '../contract/settings.ts';
import { waitFor } from '../test/support/pipeline.ts';
import { freePort, temporalBinary, waitForPort } from './temporal-dev-server.ts';
import { demoPlayableConversations } from './demo-seed.ts';

const root = mkdtempSync(join(tmpdir(), 'intellisend-start-'));
// As root, the embedded PostgreSQL runs as the `postgres` user, which must reach its data directory.
chmodSync(root, 0o755);
const dataDir = join(root, 'data');
const webBuildDir = join(root, 'web', 'build');
let ports: Record<string, number>;
let npm: ChildProcess;
let stdout = '';
let exited: Promise<number | null>;

/** The banner's value for a label ("Admin login:  a / b" → "a / b"). */
function bannerValue(label: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`${label}:`));
  if (!line) throw new Error(`the banner has no "${label}:" line:\n${stdout}`);
  return line.slice(label.length + 1).trim();
}

const portIsClosed = (port: number) =>
  waitForPort(port, 0).then(
    () => false,
    () => true,
  );

beforeAll(async () => {
  const names = ['PORT', 'START_POSTGRES_PORT', 'START_TEMPORAL_PORT', 'START_TEMPORAL_UI_PORT', 'START_FAKE_OPENAI_PORT', 'START_FAKE_TWILIO_PORT', 'START_FAKE_SERVICETITAN_PORT'];
  ports = {};
  for (const name of names) ports[name] = await freePort();
  // A new user's shell: none of the test runner's variables (NODE_ENV=test, …), Node 24 first on PATH.
  const env: Record<string, string> = {
    PATH: `${join(projectRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? root,
    INTELLISEND_DATA_DIR: dataDir,
    WEB_BUILD_DIR: webBuildDir,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  npm = spawn('npm', ['start'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => npm.once('exit', (code) => resolve(code)));
  npm.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (stdout += d.toString()));
  await waitFor(async () => stdout.includes('Ctrl-C stops everything.') || npm.exitCode !== null, {
    timeoutMs: 480_000,
    intervalMs: 500,
    what: `npm start's banner; so far:\n${stdout}`,
  });
  if (npm.exitCode !== null) throw new Error(`npm start exited (${npm.exitCode}):\n${stdout}`);
}, 540_000);

afterAll(async () => {
  if (npm && npm.exitCode === null) {
    npm.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  rmSync(root, { recursive: true, force: true });
}, 30_000);

describe('npm start from a fresh clone', () => {
  it('builds the web app, says so, and serves the login page at the printed URL', async () => {
    expect(stdout).toMatch(/Building the web app: .* is missing/);
    expect(existsSync(join(webBuildDir, 'handler.js'))).toBe(true);
    const appUrl = bannerValue('App');
    expect(appUrl).toBe(`http://localhost:${ports.PORT}`);
    const res = await fetch(`${appUrl}/`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(res.url).toMatch(/\/login/);
    const html = await res.text();
    expect(html).toContain('Sign in to IntelliSend');
    expect(html).toContain('name="password"');
  });

  it('ends with a readable banner: both logins, the Temporal UI, the fakes’ ports, the log file, the simulate line', async () => {
    const afterBanner = stdout.slice(stdout.lastIndexOf('Ctrl-C stops everything.'));
    expect(afterBanner.split('\n').filter((l) => l.trim() && !l.startsWith('═'))).toHaveLength(1);
    // No JSON log line reached the terminal: they are in the log file the banner names.
    expect(stdout.split('\n').filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(bannerValue('Admin login')).toBe('admin@demo.intellisend.test / demo-admin-pass');
    expect(bannerValue('CSR login')).toBe('csr@demo.intellisend.test / demo-csr-pass');
    expect(bannerValue('Temporal UI')).toContain(`http://localhost:${ports.START_TEMPORAL_UI_PORT}`);
    const fakes = bannerValue('Fakes');
    for (const name of ['START_FAKE_OPENAI_PORT', 'START_FAKE_TWILIO_PORT', 'START_FAKE_SERVICETITAN_PORT']) expect(fakes).toContain(`:${ports[name]}`);
    expect(stdout).toMatch(/npm run cli -- simulate:inbound --to \+15550100200 --from \+1\d{10} --body/);
    // The guide's conversations to play with the demo's assistant, each with its texts.
    for (const c of demoPlayableConversations) {
      expect(stdout).toContain(`${c.story}:`);
      for (const body of c.texts) expect(stdout).toContain(`simulate:inbound --to +15550100200 --from ${c.from} --body "${body}"`);
    }
    // Before the banner only npm's and our progress lines: nothing a library printed (a fake's schema warnings).
    const beforeBanner = stdout.slice(0, stdout.indexOf('═')).split('\n').filter((l) => l.trim());
    expect(beforeBanner.filter((l) => !/^(> |Starting IntelliSend| {2}\S)/.test(l))).toEqual([]);
    const logFile = bannerValue('Logs').split(/\s/)[0] ?? '';
    expect(logFile).toBe(join(dataDir, 'logs', 'intellisend.log'));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('"service":"worker"');
    expect(log).toContain('"service":"api"');

    // The CSR login the banner names works (the admin's is used below).
    await new ApiClient(bannerValue('App')).login('csr@demo.intellisend.test', 'demo-csr-pass');
  });

  it('tells one story: the Temporal UI’s BookingStatus="failed" and "retrying" are booking health’s conversations', async () => {
    const admin = new ApiClient(bannerValue('App'));
    const { body: login } = await admin.login('admin@demo.intellisend.test', 'demo-admin-pass');
    const tenantId = (login as { user: { tenantId: string } }).user.tenantId;
    const health = await admin.get<BookingHealthView>(`/api/tenants/${tenantId}/booking-health`);
    expect(health.status).toBe(200);

    for (const status of ['failed', 'retrying'] as const) {
      const problems = health.body.problems.filter((x) => x.status === status);
      expect(problems.length).toBeGreaterThanOrEqual(2);
      // Workflow ids name the conversation (or, before that, the customer's number): match on either.
      const matches = (workflowId: string) => problems.filter((x) => workflowId.includes(x.conversationId) || workflowId.endsWith(x.contact.phone));
      const listed = await waitFor(
        async () => {
          const ids = temporalList(`BookingStatus="${status}" AND TenantId="${tenantId}"`);
          return ids.length === problems.length ? ids : null;
        },
        { timeoutMs: 20_000, intervalMs: 500, what: `Temporal's BookingStatus="${status}" list to match booking health` },
      );
      expect(listed.map((id) => matches(id).length)).toEqual(listed.map(() => 1));
      expect(new Set(listed.flatMap((id) => matches(id).map((x) => x.conversationId)))).toEqual(new Set(problems.map((x) => x.conversationId)));
    }
  });

  it('runs the worker and the Temporal dev server below the API’s priority, every thread of them', () => {
    const ours = (pid: string) => readProc(pid, 'environ').includes(`INTELLISEND_DATA_DIR=${dataDir}`);
    const find = (what: (cmdline: string) => boolean) =>
      readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && what(readProc(pid, 'cmdline').replace(/\0/g, ' ')));
    const [api] = find((c) => c.includes('api/main.ts')).filter(ours);
    const [worker] = find((c) => c.includes('worker.ts')).filter(ours);
    const [temporal] = find((c) => c.includes('server start-dev') && c.includes(`--port ${ports.START_TEMPORAL_PORT} `));
    if (!api || !worker || !temporal) throw new Error(`processes not found: api ${api}, worker ${worker}, temporal ${temporal}`);
    expect(threadNices(api)).toEqual(new Set([0]));
    expect(threadNices(worker)).toEqual(new Set([10]));
    expect(threadNices(temporal)).toEqual(new Set([10]));
  });

  it('stops every child within 5 s of a SIGTERM, with no error logged on the way down', async () => {
    const stoppedAt = Date.now();
    npm.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(0);
    for (const [name, port] of Object.entries(ports)) expect({ name, closed: await portIsClosed(port) }).toEqual({ name, closed: true });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    const log = readFileSync(join(dataDir, 'logs', 'intellisend.log'), 'utf8');
    const wayDown = log.slice(log.lastIndexOf('"msg":"stopping"'));
    expect(wayDown).toContain('"msg":"stopped everything"');
    expect(wayDown.split('\n').filter((l) => /"level":"error"|\[ERROR\]/.test(l))).toEqual([]);
    expect(stdout).toMatch(/Stopping…\nStopped\.\n$/);
  }, 30_000);
});

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** The nice values of a process's threads (/proc/<pid>/task/<tid>/stat, field 19). */
function threadNices(pid: string): Set<number> {
  return new Set(
    readdirSync(`/proc/${pid}/task`).map((tid) => {
      const stat = readProc(`${pid}/task/${tid}`, 'stat');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    }),
  );
}

/** Workflow ids the Temporal CLI lists for a visibility query, as ops would type it in the Temporal UI. */
function temporalList(query: string): string[] {
  const r = spawnSync(temporalBinary, ['workflow', 'list', '--address', `127.0.0.1:${ports.START_TEMPORAL_PORT}`, '--query', query, '--output', 'json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`temporal workflow list failed: ${r.stderr}`);
  const text = r.stdout.trim();
  if (!text) return [];
  // One JSON object per workflow, either as an array or one per line, depending on the CLI version.
  const items: Array<{ execution?: { workflowId?: string } }> = text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l));
  return items.flatMap((i) => (i.execution?.workflowId ? [i.execution.workflowId] : []));
}
