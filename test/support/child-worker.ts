// The real worker (`node worker.ts`) as a child process, configured only through environment variables
// exactly as production runs it, so a test can SIGKILL it mid-activity.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, type Env } from '../../config/env.ts';
import { waitFor } from './pipeline.ts';

/** Node 24 from node_modules (the system node may be older). */
export const nodeBinary = join(projectRoot, 'node_modules', '.bin', 'node');

export interface ChildWorker {
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr, for failure messages. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown, no goodbye to Temporal, open sockets and transactions just die. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the worker drains and exits). */
  stop(): Promise<void>;
}

export function envVars(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

export async function startChildWorker(env: Env, { readyTimeoutMs = 60_000 } = {}): Promise<ChildWorker> {
  const child = spawn(nodeBinary, [join(projectRoot, 'worker.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envVars(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const worker: ChildWorker = {
    process: child,
    output: () => out,
    exited,
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`the worker exited during start-up:\n${out}`);
        return out.includes('"worker started"');
      },
      { timeoutMs: readyTimeoutMs, what: 'the child worker to start' },
    );
  } catch (err) {
    await worker.kill();
    throw err;
  }
  return worker;
}
