// `npm test`: every check, in order, stopping at the first failure. Output streams as it happens.
//   Temporal CLI → Temporal server (test/topology) → Chromium (when there are browser tests) → eslint → tsc → svelte-check (web)
//   → vitest (unit, workflow, API)
//   → vitest (reliability, ci scale: soak under faults, outages, bad input, tenant isolation, secrets)
//   → vitest (browser, when vitest.browser.config.ts exists).
// The full reliability run is `RELIABILITY_SCALE=full npm run test:reliability`.
// Run one file while working: `node_modules/.bin/vitest run path/to/file.test.ts`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/env.ts';

interface Step {
  name: string;
  command: string;
  args: string[];
  /** Defaults to the project root. */
  cwd?: string;
}

const bin = (name: string) => join(projectRoot, 'node_modules', '.bin', name);
const browserConfig = join(projectRoot, 'vitest.browser.config.ts');
const webRoot = join(projectRoot, 'web');
const hasBrowserTests = existsSync(browserConfig);

const steps: Step[] = [
  { name: 'Temporal CLI', command: 'bash', args: [join(projectRoot, 'scripts', 'install-temporal.sh')] },
  // Exit 3 (cannot be built here: no Go, no cache) is not a failure: test/topology then skips loudly.
  { name: 'Temporal server', command: 'bash', args: ['-c', 'bash "$0" || [ $? -eq 3 ]', join(projectRoot, 'scripts', 'install-temporal-server.sh')] },
  ...(hasBrowserTests
    ? [{ name: 'Chromium', command: 'bash', args: [join(projectRoot, 'scripts', 'ensure-chromium.sh')] }]
    : []),
  { name: 'eslint', command: bin('eslint'), args: ['.'] },
  { name: 'tsc', command: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
  // The web app's types, including the API's JSON shapes it shares through contract/ (svelte-kit sync
  // first writes the route types a fresh clone does not have).
  { name: 'svelte-kit sync (web)', command: bin('svelte-kit'), args: ['sync'], cwd: webRoot },
  { name: 'svelte-check (web)', command: bin('svelte-check'), args: ['--tsconfig', './tsconfig.json', '--fail-on-warnings'], cwd: webRoot },
  { name: 'vitest (unit, workflow, API)', command: bin('vitest'), args: ['run'] },
  { name: 'vitest (reliability, ci scale)', command: bin('vitest'), args: ['run', '--config', 'vitest.reliability.config.ts'] },
  ...(hasBrowserTests
    ? [{ name: 'vitest (browser)', command: bin('vitest'), args: ['run', '--config', 'vitest.browser.config.ts'] }]
    : []),
];

let current: ReturnType<typeof spawn> | null = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    // Children in our process group already got a terminal's Ctrl-C; a second signal does no harm.
    current?.kill(signal);
  });
}

function run(step: Step): Promise<number> {
  return new Promise((resolve) => {
    // Every check runs as test: NODE_ENV unset would mean production (config/env.ts).
    const env = { ...process.env, NODE_ENV: 'test' };
    const child = spawn(step.command, step.args, { cwd: step.cwd ?? projectRoot, env, stdio: 'inherit' });
    current = child;
    child.once('error', (err) => {
      process.stderr.write(`\n✗ ${step.name}: could not start ${step.command}: ${err.message}\n`);
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

const started = Date.now();
for (const step of steps) {
  process.stdout.write(`\n=== ${step.name}: ${[step.command.replace(projectRoot + '/', ''), ...step.args].join(' ')}\n`);
  const t0 = Date.now();
  const code = await run(step);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (code !== 0 || interrupted) {
    process.stderr.write(`\n✗ ${step.name} failed (exit ${code}, ${seconds}s). Later steps were not run.\n`);
    process.exit(code === 0 ? 130 : code);
  }
  process.stdout.write(`✓ ${step.name} (${seconds}s)\n`);
}
if (!hasBrowserTests) process.stdout.write('\n(no vitest.browser.config.ts: browser tests skipped)\n');
process.stdout.write(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)}s.\n`);
