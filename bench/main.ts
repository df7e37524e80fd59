// npm run bench [-- --scale=quick|0.2|full --only=webhook,pipeline,inbox --rates=50,100,200 --duration=60 …]
// (or BENCH_SCALE=quick npm run bench). Runs the benchmarks on this machine against real PostgreSQL and a
// dedicated Temporal dev server, loopback only, and regenerates BENCHMARKS.md from the figures of the run.
// `--temporal=server` runs the same on the production topology (the source-built Temporal server on
// PostgreSQL) and writes .data/bench/results-temporal-server.json (and a report only with --report=FILE).
// A section that fails is recorded (results.failures, a missed row in the report) and the others still run;
// the exit code is then 1. `--merge` lays the sections of this run over the previous results file (the rest
// and its run header kept), e.g. `npm run bench -- --only=campaigns --merge` after a full run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/env.ts';
import { findOrStartTestPostgres } from '../scripts/postgres-server.ts';
import { runAssistantBenchmark } from './assistant.ts';
import { runCampaignsBenchmark } from './campaigns.ts';
import { benchConfig, benchmarkNames, type BenchConfig, type BenchmarkName } from './config.ts';
import { runContactsBenchmark } from './contacts.ts';
import { runInboxBenchmark } from './inbox.ts';
import { runOverloadBenchmark } from './overload.ts';
import { runPipelineBenchmark } from './pipeline.ts';
import { stopAllChildren } from './processes.ts';
import { machineInfo, writeReport } from './report.ts';
import { mergeResults, normalizeResults, type BenchResults } from './results.ts';
import { benchDataDir, startStack, type Stack } from './stack.ts';
import { runWebhookBenchmark } from './webhook.ts';

export type { BenchResults } from './results.ts';

const t0 = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** Runs `body` on a stack of its own, closed afterwards whatever happened. */
async function onFreshStack<T>(cfg: BenchConfig, body: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startStack(cfg.postgresAdminUrl, log, cfg.temporal);
  try {
    return await body(stack);
  } finally {
    await stack.close();
  }
}

/**
 * Each section with its figures. Webhook, overload, pipeline, campaigns and assistant each get a fresh stack (database, Temporal
 * dev server, API, fakes): the webhook run leaves ~17,000 workflows in the dev server's in-memory SQLite,
 * which slowed a pipeline run measured after it on the same server by about a quarter.
 */
async function runSection(name: BenchmarkName, cfg: BenchConfig, results: BenchResults): Promise<void> {
  switch (name) {
    case 'webhook':
      results.webhook = await onFreshStack(cfg, (stack) => runWebhookBenchmark(stack, cfg, log));
      return;
    case 'overload':
      results.overload = await onFreshStack(cfg, (stack) => runOverloadBenchmark(stack, cfg, log));
      return;
    case 'pipeline':
      results.pipeline = await onFreshStack(cfg, (stack) => runPipelineBenchmark(stack, cfg, log));
      return;
    case 'inbox':
      results.inbox = await runInboxBenchmark(cfg.postgresAdminUrl, cfg, log);
      return;
    case 'contacts':
      results.contacts = await runContactsBenchmark(cfg.postgresAdminUrl, cfg, log);
      return;
    case 'campaigns':
      results.campaigns = await onFreshStack(cfg, (stack) => runCampaignsBenchmark(stack, cfg, log));
      return;
    case 'assistant':
      results.assistant = await onFreshStack(cfg, (stack) => runAssistantBenchmark(stack, cfg, log));
      return;
    default: {
      // A name in benchmarkNames without a case here does not compile.
      const missing: never = name;
      throw new Error(`bench: no section ${String(missing)}`);
    }
  }
}

function resultsPath(cfg: BenchConfig): string {
  return join(benchDataDir, cfg.temporal === 'server' ? 'results-temporal-server.json' : 'results.json');
}

/** Returns how many sections failed. */
async function main(): Promise<number> {
  const cfg = benchConfig(process.argv.slice(2));
  // In the order of benchmarkNames whatever the order of --only.
  const sections = benchmarkNames.filter((name) => cfg.only.includes(name));
  log(`bench: scale ${cfg.scale}, running ${sections.join(', ')}${cfg.merge ? ' (merged into the last results)' : ''}`);
  const postgres = await findOrStartTestPostgres(cfg.postgresAdminUrl);
  cfg.postgresAdminUrl = postgres.adminUrl;
  const results: BenchResults = {
    startedAt: new Date(t0).toISOString(),
    finishedAt: '',
    totalSeconds: 0,
    command: cfg.command,
    scale: cfg.scale,
    machine: await machineInfo(postgres.adminUrl, cfg.temporal),
    webhook: null,
    overload: null,
    pipeline: null,
    inbox: null,
    contacts: null,
    campaigns: null,
    assistant: null,
    sections: {},
    failures: [],
  };
  try {
    for (const name of sections) {
      const started = Date.now();
      try {
        await runSection(name, cfg, results);
      } catch (err) {
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        results.failures?.push({ section: name, error: err instanceof Error ? err.message : String(err), at: new Date().toISOString() });
        console.error(`bench: section ${name} failed:`, error);
        // Whatever the section left running (a worker it had not stopped yet) goes before the next one.
        await stopAllChildren();
      }
      const finished = Date.now();
      (results.sections ??= {})[name] = {
        startedAt: new Date(started).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        seconds: (finished - started) / 1000,
        command: cfg.command,
        scale: cfg.scale,
      };
      log(`bench: ${name} ${results.failures?.some((f) => f.section === name) ? 'FAILED' : 'done'} in ${((finished - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await stopAllChildren();
    await postgres.stop();
  }
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (Date.now() - t0) / 1000;
  mkdirSync(benchDataDir, { recursive: true });
  const path = resultsPath(cfg);
  let written = results;
  if (cfg.merge) {
    if (existsSync(path)) {
      written = mergeResults(normalizeResults(JSON.parse(readFileSync(path, 'utf8')) as BenchResults), results, sections);
      log(`bench: merged ${sections.join(', ')} into ${path}`);
    } else log(`bench: --merge: no ${path} yet, writing this run alone`);
  }
  writeFileSync(path, JSON.stringify(written, null, 2));
  if (cfg.reportPath) {
    const report = join(projectRoot, cfg.reportPath);
    writeReport(report, written);
    log(`bench: wrote ${report}`);
  }
  const failed = results.failures?.length ?? 0;
  log(`bench: done in ${results.totalSeconds.toFixed(0)} s${failed ? `; ${failed} section(s) FAILED: ${results.failures?.map((f) => f.section).join(', ')}` : ''}`);
  return failed;
}

main().then(
  (failed) => process.exit(failed > 0 ? 1 : 0),
  async (err: unknown) => {
    console.error('bench failed:', err);
    await stopAllChildren();
    process.exit(1);
  },
);
