// The SvelteKit build the API serves (adapter-node's handler.js): whether it is missing or older than its
// sources, and building it (`vite build` in web/, as `npm run build:web` does). npm start and the browser
// tests build through here so a fresh clone never serves "Cannot GET /".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/env.ts';

export const webDir = join(projectRoot, 'web');
export const defaultWebBuildDir = join(webDir, 'build');
const vite = join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js');

/** What the build is made from: web/ without its outputs, and config/env.ts (the bundle has its own copy). */
const sources = [join(webDir, 'src'), join(webDir, 'static'), join(webDir, 'vite.config.ts'), join(webDir, 'package.json'), join(projectRoot, 'config', 'env.ts')];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function webHandlerPath(outDir = defaultWebBuildDir): string {
  return join(outDir, 'handler.js');
}

/** Why the build must be (re)made, or null when it is up to date. */
export function webBuildStaleness(outDir = defaultWebBuildDir): 'missing' | 'outdated' | null {
  const handler = webHandlerPath(outDir);
  if (!existsSync(handler)) return 'missing';
  const built = statSync(handler).mtimeMs;
  return sources.some((source) => existsSync(source) && newestMtime(source) > built) ? 'outdated' : null;
}

/** `WEB_BUILD_DIR` for web/vite.config.ts when building anywhere but web/build. */
function buildEnv(outDir: string): NodeJS.ProcessEnv {
  return outDir === defaultWebBuildDir ? process.env : { ...process.env, WEB_BUILD_DIR: outDir };
}

/** Builds in the foreground (tests' global setup), output on this terminal. */
export function buildWebIfStale(outDir = defaultWebBuildDir): void {
  if (!webBuildStaleness(outDir)) return;
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit', env: buildEnv(outDir) });
  if (result.status !== 0) throw new Error(`vite build of web/ failed (exit ${result.status})`);
}

export interface WebBuild {
  done: Promise<void>;
  /** Stops a build still running (npm start stopping during its first start). */
  cancel(): void;
}

/** Builds in a child process whose output goes to `onOutput` (npm start's log file); `done` rejects on failure. */
export function buildWeb(outDir: string, onOutput: (chunk: Buffer) => void): WebBuild {
  const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, env: buildEnv(outDir), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(signal ? `vite build of web/ was stopped (${signal})` : `vite build of web/ failed (exit ${code})`));
    });
  });
  return {
    done,
    cancel: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
