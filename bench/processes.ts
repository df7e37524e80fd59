// Child processes of the benchmark (API, workers, fakes, baseline): Node 24 from node_modules, an IPC
// channel for readiness and memory samples, and a registry so every child is killed when the benchmark
// ends — normally, on an error, or on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { projectRoot, type Env } from '../config/env.ts';

const loopbackCaPath = join(projectRoot, 'test', 'fixtures', 'loopback-tls', 'cert.pem');

export const nodeBinary = join(projectRoot, 'node_modules', '.bin', 'node');

export interface MemorySample {
  /** Date.now() when the parent received it */
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface BenchChild {
  name: string;
  process: ChildProcess;
  pid: number;
  memory: MemorySample[];
  output(): string;
  exited: Promise<number | null>;
  /** Send a request over IPC and wait for the answer with the same id. */
  request<T>(message: Record<string, unknown>): Promise<T>;
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<BenchChild>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes`);
      void stopAllChildren().finally(() => process.exit(130));
    });
  }
}

export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...children].map((c) => c.stop(5_000)));
}

export function envVars(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

export interface SpawnOptions {
  name: string;
  script: string;
  args?: string[];
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Starts `node <script>` and waits for its `{ type: 'ready' }` IPC message; resolves with the child and that message. */
export async function spawnBenchChild<R = Record<string, unknown>>(opts: SpawnOptions): Promise<{ child: BenchChild; ready: R }> {
  installExitHooks();
  const proc = spawn(nodeBinary, [...(opts.nodeArgs ?? []), join(projectRoot, opts.script), ...(opts.args ?? [])], {
    cwd: projectRoot,
    // The fake ServiceTitan serves HTTPS with the loopback test certificate; children trust it as Node does any extra CA.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_EXTRA_CA_CERTS: loopbackCaPath, ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  const memory: MemorySample[] = [];
  let onReady: ((m: R) => void) | null = null;
  proc.on('message', (raw) => {
    const m = raw as { type?: string; id?: number; result?: unknown } & Partial<MemorySample>;
    if (m.type === 'ready') onReady?.(m as unknown as R);
    else if (m.type === 'mem') {
      memory.push({ t: Date.now(), rss: m.rss ?? 0, heapUsed: m.heapUsed ?? 0, heapTotal: m.heapTotal ?? 0, external: m.external ?? 0 });
    } else if (typeof m.id === 'number') {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    }
  });
  const child: BenchChild = {
    name: opts.name,
    process: proc,
    pid: proc.pid ?? -1,
    memory,
    output: () => out,
    exited,
    request<T>(message: Record<string, unknown>): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${opts.name}: no answer to ${JSON.stringify(message).slice(0, 80)}`)), 30_000);
        pending.set(id, (v) => {
          clearTimeout(timer);
          resolve(v as T);
        });
        proc.send({ ...message, id });
      });
    },
    async stop(graceMs = 15_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
  children.add(child);
  try {
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${opts.name} did not start within ${opts.readyTimeoutMs ?? 60_000} ms:\n${out}`)), opts.readyTimeoutMs ?? 60_000);
      onReady = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${opts.name} exited (${code}) during start-up:\n${out.slice(-4000)}`));
      });
    });
    return { child, ready };
  } catch (err) {
    await child.stop(1_000);
    throw err;
  }
}

/** In a child: report process.memoryUsage() to the parent every `everyMs`. */
export function reportMemory(everyMs = 250): NodeJS.Timeout {
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    process.send?.({ type: 'mem', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external });
  }, everyMs);
  timer.unref();
  return timer;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN when unavailable. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid || pid < 0) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Sets the nice value of every thread of a process. On Linux nice is per thread, and setpriority(pid)
 * changes the main thread only: the worker's workflow threads and native bridge, and the Temporal
 * server's Go threads, would keep running at the old priority. Threads started later inherit it from
 * the thread that starts them.
 */
export function setProcessPriority(pid: number, nice: number): void {
  let threads: number[];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number).filter((tid) => Number.isInteger(tid) && tid > 0);
  } catch {
    threads = [pid];
  }
  for (const tid of threads) {
    try {
      setPriority(tid, nice);
    } catch {
      // The thread ended meanwhile.
    }
  }
}

