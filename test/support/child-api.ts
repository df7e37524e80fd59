// The real API (`node api/main.ts`) as a child process, configured only through the environment it is
// given (nothing inherited but PATH and HOME), exactly as an operator would start it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../config/env.ts';
import { freePort } from '../../scripts/temporal-dev-server.ts';
import { nodeBinary } from './child-worker.ts';
import { waitFor } from './pipeline.ts';

export interface ChildApi {
  process: ChildProcess;
  baseUrl: string;
  /** Everything it wrote to stdout (its log lines) and stderr. */
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts the API with exactly `vars` (plus PORT, unless given); resolves once it answers HTTP. */
export async function startChildApi(vars: Record<string, string>, { readyTimeoutMs = 60_000 } = {}): Promise<ChildApi> {
  const port = vars.PORT ?? String(await freePort());
  const child = runApiProcess({ ...vars, PORT: port });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.process.exitCode !== null) throw new Error(`the API exited during start-up:\n${child.stderr()}${child.stdout()}`);
      return child.stdout().includes('"api listening"');
    },
    { timeoutMs: readyTimeoutMs, what: 'the child API to listen' },
  );
  return { ...child, baseUrl };
}

/** Spawns the API with exactly `vars`; does not wait for anything. */
export function runApiProcess(vars: Record<string, string>): Omit<ChildApi, 'baseUrl'> {
  const child = spawn(nodeBinary, [join(projectRoot, 'api', 'main.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
