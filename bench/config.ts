// Benchmark sizes. Everything scales with BENCH_SCALE (or --scale): 1 = the full run the figures in
// BENCHMARKS.md are meant to come from, 0.1 = a quick smoke run. Individual sizes can be overridden by flags.
// Like scripts/ and test/, this bench tooling reads its own BENCH_* variables; the app under test still gets
// its whole configuration through loadEnv({...}) with explicit values.
import { parseArgs } from 'node:util';
import { singleMachineBackgroundNice } from '../config/single-machine.ts';

export const benchmarkNames = ['webhook', 'overload', 'pipeline', 'inbox', 'contacts', 'campaigns', 'assistant'] as const;
export type BenchmarkName = (typeof benchmarkNames)[number];

export interface BenchConfig {
  scale: number;
  only: BenchmarkName[];
  postgresAdminUrl: string;
  webhook: {
    rates: number[];
    durationSeconds: number;
    /** Per-rate override: the top rate runs shorter because the 2-core box drains ~30 messages/s. */
    durationByRate: Record<number, number>;
    warmupSeconds: number;
    conversations: number;
    /** Upper bound on waiting for the workflows to store every acknowledged message, per rate. */
    drainTimeoutSeconds: number;
    serviceTitanLatencyMs: number;
    baseline: boolean;
    /** Seconds of 100 req/s with the worker stopped (diagnostic; 0 = skip). */
    pausedWorkerSeconds: number;
    /** nice of the worker and Temporal server during the webhook load (0: same priority as the API). */
    backgroundNice: number;
  };
  /** New conversations at a rate the box cannot process as fast, everything at default priority. */
  overload: {
    rate: number;
    durationSeconds: number;
    warmupRequests: number;
    drainTimeoutSeconds: number;
    serviceTitanLatencyMs: number;
    /** nice of the worker and Temporal server: `npm start`'s default unless --background-nice says otherwise */
    backgroundNice: number;
  };
  pipeline: {
    conversations: number;
    /** Booked on another tenant before the measured run, to warm a freshly started worker up. */
    warmupConversations: number;
    rate: number;
    workerCounts: number[];
    /** Worker counts for the realistic fakes (the instant ones use workerCounts). */
    realisticWorkerCounts: number[];
    /** Which fakes to run with (--pipeline-fakes=instant for a quick look). */
    fakes: Array<'instant' | 'realistic'>;
    realistic: { openaiLatencyMs: number; serviceTitanLatencyMs: number };
    timeoutSeconds: number;
    /** e.g. --cpu-prof for a profile of each worker (BENCH_WORKER_NODE_ARGS). */
    workerNodeArgs: string[];
  };
  inbox: {
    tenants: number;
    conversationsPerTenant: number;
    messagesPerConversation: number;
    runs: number;
    naiveRuns: number;
  };
  campaigns: {
    /** Recipients of the big campaign (contacts with marketing consent, bulk-inserted). */
    recipients: number;
    fromNumbers: number;
    /** Latency of the fake Twilio's Messages create (0: what our side costs, nothing else). */
    twilioLatencyMs: number;
    /** Inbound replies per second from texted recipients, during the big campaign and idle. */
    replyRate: number;
    replySeconds: number;
    /** Inbound warm-up (new conversations of another tenant) before the campaign, not counted. */
    warmupReplies: number;
    /** The measured window of the campaign at the default 1 message/s per number. */
    pacedSeconds: number;
    /** Seconds after its first send before the paced window starts (the first slots of every number). */
    pacedWarmupSeconds: number;
    serviceTitanLatencyMs: number;
    /** nice of the worker and Temporal server, as in the webhook section. */
    backgroundNice: number;
    /** Upper bound on waiting for the big campaign to finish. */
    timeoutSeconds: number;
  };
  /** New conversations to a number whose assistant answers, with an instant and a slow fake model. */
  assistant: {
    /**
     * New conversations per second, one pair of runs each: the 20/s (the targets are judged there)
     * and a rate one worker on this machine keeps up with, which shows the overhead without queueing.
     */
    rates: number[];
    durationSeconds: number;
    /** The fake model's latency per call, one run each. */
    modelLatenciesMs: number[];
    /** 0: a tool's ServiceTitan calls cost only what our side spends on them (it counts as overhead). */
    serviceTitanLatencyMs: number;
    /** Answered on another tenant by the fresh worker before the measured runs, not counted. */
    warmupConversations: number;
    workers: number;
    /** Upper bound on waiting for every reply of a run. */
    timeoutSeconds: number;
  };
  /**
   * The Temporal the stacks run on: `dev` (the CLI's dev server, SQLite in memory; the figures in
   * BENCHMARKS.md) or `server` (the production topology: the source-built server on PostgreSQL, 512 shards,
   * scripts/temporal-server.ts). `--temporal=server` writes no BENCHMARKS.md unless --report is given.
   */
  temporal: 'dev' | 'server';
  /** Where BENCHMARKS.md goes; null: don't write it. */
  reportPath: string | null;
  /**
   * --merge: overlay the sections run now on the last results file (the others and its run header kept),
   * e.g. `npm run bench -- --only=campaigns --merge` after a full run.
   */
  merge: boolean;
  command: string;
}

const scaleOf = (raw: string | undefined): number => {
  if (!raw || raw === 'full') return 1;
  if (raw === 'quick') return 0.1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new Error(`BENCH_SCALE must be full, quick or a number in (0, 1]; got ${raw}`);
  return n;
};

const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);

export function benchConfig(argv: string[], env: Record<string, string | undefined> = process.env): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      scale: { type: 'string' },
      only: { type: 'string' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      conversations: { type: 'string' },
      'pipeline-conversations': { type: 'string' },
      workers: { type: 'string' },
      'pipeline-fakes': { type: 'string' },
      'background-nice': { type: 'string' },
      'inbox-conversations': { type: 'string' },
      'inbox-runs': { type: 'string' },
      'naive-runs': { type: 'string' },
      'campaign-recipients': { type: 'string' },
      'assistant-duration': { type: 'string' },
      'assistant-rates': { type: 'string' },
      'no-baseline': { type: 'boolean' },
      merge: { type: 'boolean' },
      'no-report': { type: 'boolean' },
      report: { type: 'string' },
      temporal: { type: 'string' },
    },
  });
  const scale = scaleOf(values.scale ?? env.BENCH_SCALE);
  const at = (full: number, min: number) => Math.max(min, Math.round(full * scale));
  const only = values.only ? list(values.only) : [...benchmarkNames];
  for (const name of only) if (!benchmarkNames.includes(name as BenchmarkName)) throw new Error(`--only: unknown benchmark ${name}`);
  const temporal = values.temporal ?? env.BENCH_TEMPORAL ?? 'dev';
  if (temporal !== 'dev' && temporal !== 'server') throw new Error(`--temporal must be dev or server; got ${temporal}`);
  const inboxConversations = values['inbox-conversations'] ? Number(values['inbox-conversations']) : at(100_000, 2_000);
  return {
    scale,
    only: only as BenchmarkName[],
    postgresAdminUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    webhook: {
      rates: values.rates ? list(values.rates).map(Number) : [50, 100, 200],
      durationSeconds: values.duration ? Number(values.duration) : at(60, 5),
      durationByRate: values.duration ? {} : { 200: at(30, 3) },
      warmupSeconds: at(5, 2),
      conversations: values.conversations ? Number(values.conversations) : at(1_000, 100),
      drainTimeoutSeconds: 420,
      serviceTitanLatencyMs: 300,
      baseline: !values['no-baseline'],
      pausedWorkerSeconds: values.duration ? Number(values.duration) : at(20, 3),
      backgroundNice: values['background-nice'] ? Number(values['background-nice']) : 10,
    },
    overload: {
      rate: 200,
      durationSeconds: at(30, 3),
      warmupRequests: at(250, 25),
      drainTimeoutSeconds: 1_200,
      serviceTitanLatencyMs: 300,
      backgroundNice: values['background-nice'] ? Number(values['background-nice']) : singleMachineBackgroundNice,
    },
    pipeline: {
      conversations: values['pipeline-conversations'] ? Number(values['pipeline-conversations']) : at(1_000, 100),
      warmupConversations: at(200, 20),
      rate: 200,
      workerCounts: values.workers ? list(values.workers).map(Number) : [1, 2],
      realisticWorkerCounts: values.workers ? list(values.workers).map(Number) : [1],
      fakes: values['pipeline-fakes'] ? (list(values['pipeline-fakes']).filter((f) => f === 'instant' || f === 'realistic') as Array<'instant' | 'realistic'>) : ['instant', 'realistic'],
      realistic: { openaiLatencyMs: 800, serviceTitanLatencyMs: 300 },
      timeoutSeconds: 300,
      workerNodeArgs: env.BENCH_WORKER_NODE_ARGS ? env.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean) : [],
    },
    inbox: {
      tenants: 10,
      conversationsPerTenant: inboxConversations,
      messagesPerConversation: 10,
      runs: values['inbox-runs'] ? Number(values['inbox-runs']) : at(200, 30),
      naiveRuns: values['naive-runs'] ? Number(values['naive-runs']) : 3,
    },
    campaigns: {
      recipients: values['campaign-recipients'] ? Number(values['campaign-recipients']) : at(100_000, 500),
      fromNumbers: 20,
      twilioLatencyMs: 0,
      replyRate: 20,
      replySeconds: at(60, 5),
      warmupReplies: at(200, 20),
      pacedSeconds: at(60, 10),
      pacedWarmupSeconds: 5,
      serviceTitanLatencyMs: 300,
      backgroundNice: values['background-nice'] ? Number(values['background-nice']) : 10,
      timeoutSeconds: 600 + at(5_000, 100),
    },
    assistant: {
      rates: values['assistant-rates'] ? list(values['assistant-rates']).map(Number) : [20, 4],
      durationSeconds: values['assistant-duration'] ? Number(values['assistant-duration']) : at(60, 5),
      modelLatenciesMs: [0, 1500],
      serviceTitanLatencyMs: 0,
      warmupConversations: at(100, 20),
      workers: 1,
      timeoutSeconds: 600,
    },
    temporal,
    merge: Boolean(values.merge),
    reportPath: values['no-report'] ? null : (values.report ?? (temporal === 'server' ? null : 'BENCHMARKS.md')),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' ') + (env.BENCH_SCALE ? ` (BENCH_SCALE=${env.BENCH_SCALE})` : ''),
  };
}
