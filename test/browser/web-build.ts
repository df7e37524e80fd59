// Builds the SvelteKit app (web/build/handler.js) when any of its sources is newer than the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../config/env.ts';

export const webDir = join(projectRoot, 'web');
export const webHandlerPath = join(webDir, 'build', 'handler.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!existsSync(webHandlerPath)) return true;
  const built = statSync(webHandlerPath).mtimeMs;
  const sources = [join(webDir, 'src'), join(webDir, 'static'), join(webDir, 'vite.config.ts'), join(webDir, 'package.json'), join(projectRoot, 'config', 'env.ts')];
  return sources.some((source) => existsSync(source) && newestMtime(source) > built);
}

export function buildWebIfStale(): void {
  if (!webBuildIsStale()) return;
  const vite = join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`vite build of web/ failed (exit ${result.status})`);
}
