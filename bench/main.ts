// npm run bench [-- --scale=quick|0.2|full --only=webhook,pipeline,inbox --rates=50,100,200 --duration=60 …]
// (or BENCH_SCALE=quick npm run bench). Runs the benchmarks on this machine against real PostgreSQL and a
// dedicated Temporal dev server, loopback only, and regenerates BENCHMARKS.md from the figures of the run.
// `--temporal=server` runs the same on the production topology (the source-built Temporal server on
// PostgreSQL) and writes .data/bench/results-temporal-server.json (and a report only with --report=FILE).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/env.ts';
import { findOrStartTestPostgres } from '../scripts/postgres-server.ts';
import { benchConfig } from './config.ts';
import { runContactsBenchmark, type ContactsResults } from './contacts.ts';
import { runInboxBenchmark, type InboxResults } from './inbox.ts';
import { runOverloadBenchmark, type OverloadResults } from './overload.ts';
import { runPipelineBenchmark, type PipelineRun } from './pipeline.ts';
import { stopAllChildren } from './processes.ts';
import { machineInfo, writeReport } from './report.ts';
import { benchDataDir, startStack } from './stack.ts';
import type { WebhookResults } from './webhook.ts';
import { runWebhookBenchmark } from './webhook.ts';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  command: string;
  scale: number;
  machine: Awaited<ReturnType<typeof machineInfo>>;
  webhook: WebhookResults | null;
  overload: OverloadResults | null;
  pipeline: PipelineRun[] | null;
  inbox: InboxResults | null;
  contacts: ContactsResults | null;
}

const t0 = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function main(): Promise<void> {
  const cfg = benchConfig(process.argv.slice(2));
  log(`bench: scale ${cfg.scale}, running ${cfg.only.join(', ')}`);
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
  };
  try {
    // Webhook and pipeline each get a fresh stack (database, Temporal dev server, API, fakes): the webhook
    // run leaves ~17,000 workflows in the dev server's in-memory SQLite, which slowed a pipeline run
    // measured after it on the same server by about a quarter.
    if (cfg.only.includes('webhook')) {
      const stack = await startStack(postgres.adminUrl, log, cfg.temporal);
      try {
        results.webhook = await runWebhookBenchmark(stack, cfg, log);
      } finally {
        await stack.close();
      }
    }
    if (cfg.only.includes('overload')) {
      const stack = await startStack(postgres.adminUrl, log, cfg.temporal);
      try {
        results.overload = await runOverloadBenchmark(stack, cfg, log);
      } finally {
        await stack.close();
      }
    }
    if (cfg.only.includes('pipeline')) {
      const stack = await startStack(postgres.adminUrl, log, cfg.temporal);
      try {
        results.pipeline = await runPipelineBenchmark(stack, cfg, log);
      } finally {
        await stack.close();
      }
    }
    if (cfg.only.includes('inbox')) results.inbox = await runInboxBenchmark(postgres.adminUrl, cfg, log);
    if (cfg.only.includes('contacts')) results.contacts = await runContactsBenchmark(postgres.adminUrl, cfg, log);
  } finally {
    await stopAllChildren();
    await postgres.stop();
  }
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (Date.now() - t0) / 1000;
  mkdirSync(benchDataDir, { recursive: true });
  writeFileSync(join(benchDataDir, cfg.temporal === 'server' ? 'results-temporal-server.json' : 'results.json'), JSON.stringify(results, null, 2));
  if (cfg.reportPath) {
    const path = join(projectRoot, cfg.reportPath);
    writeReport(path, results);
    log(`bench: wrote ${path}`);
  }
  log(`bench: done in ${results.totalSeconds.toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error('bench failed:', err);
    await stopAllChildren();
    process.exit(1);
  },
);
