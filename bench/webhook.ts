// Webhook benchmark: signed inbound messages at each rate across N conversations against the real API
// (child process) with one worker (child process) behind it; after each rate, wait until the workflows
// have stored every acknowledged message and check each one is stored exactly once. Then the same load
// against the inline baseline handler. Memory of the API and worker is sampled throughout.
import { QueryTypes } from 'sequelize';
import { freePort } from '../scripts/temporal-dev-server.ts';
import type { BenchConfig } from './config.ts';
import { customerNumbers, planWebhooks, runOpenLoop, type LoadResult } from './load.ts';
import { cpuSeconds, envVars, setProcessPriority, spawnBenchChild, type MemorySample } from './processes.ts';
import type { BenchTenant, Stack } from './stack.ts';
import { sleep, summarize, type Summary } from './stats.ts';

export interface RateResult {
  /** Absent: the normal run (worker processing alongside). */
  variant?: string;
  rate: number;
  durationSeconds: number;
  sent: number;
  ok: number;
  errorCount: number;
  errors: Record<string, number>;
  latency: Summary;
  sendLagP99: number;
  /** Verification (ours only). */
  stored?: number;
  duplicates?: number;
  lost?: number;
  drainSeconds?: number;
  memory?: Record<string, MemoryWindow>;
  /** CPU ms per request during the load (API, Temporal server) and per message until drained (worker). */
  cpuMsPerRequest?: { api: number; temporal: number; worker: number };
}

export interface MemoryWindow {
  startRss: number;
  peakRss: number;
  endRss: number;
  startHeap: number;
  peakHeap: number;
  endHeap: number;
}

export interface WebhookResults {
  conversations: number;
  ours: RateResult[];
  baseline: RateResult[];
  serviceTitanLatencyMs: number;
  openaiLatencyMs: number;
  workers: number;
  /** nice of the worker and Temporal server during the load (0: the API's priority) */
  backgroundNice: number;
}

export function memoryWindow(samples: MemorySample[], from: number, to: number): MemoryWindow | undefined {
  const inWindow = samples.filter((s) => s.t >= from && s.t <= to);
  if (inWindow.length === 0) return undefined;
  const first = inWindow[0] as MemorySample;
  const last = inWindow[inWindow.length - 1] as MemorySample;
  return {
    startRss: first.rss,
    peakRss: Math.max(...inWindow.map((s) => s.rss)),
    endRss: last.rss,
    startHeap: first.heapUsed,
    peakHeap: Math.max(...inWindow.map((s) => s.heapUsed)),
    endHeap: last.heapUsed,
  };
}

async function storedCount(stack: Stack, sids: string[]): Promise<{ stored: number; distinct: number }> {
  const [row] = await stack.db.sequelize.query<{ stored: number; distinct: number }>(
    // The webhook stores each message before it answers; `distinct` counts what the workflows have filed,
    // `stored` − `distinct` what is there twice (or not filed yet).
    'SELECT (count(*) - count(DISTINCT twilio_sid) + count(DISTINCT twilio_sid) FILTER (WHERE filed_at IS NOT NULL))::int AS stored, count(DISTINCT twilio_sid) FILTER (WHERE filed_at IS NOT NULL)::int AS distinct FROM messages WHERE twilio_sid = ANY(CAST(:sids AS text[]))',
    { replacements: { sids: `{${sids.join(',')}}` }, type: QueryTypes.SELECT },
  );
  return row ?? { stored: 0, distinct: 0 };
}

async function drain(stack: Stack, sids: string[], timeoutSeconds: number): Promise<{ stored: number; duplicates: number; seconds: number }> {
  const started = Date.now();
  for (;;) {
    const { stored, distinct } = await storedCount(stack, sids);
    if (distinct >= sids.length || Date.now() - started > timeoutSeconds * 1000) {
      return { stored: distinct, duplicates: stored - distinct, seconds: (Date.now() - started) / 1000 };
    }
    await sleep(500);
  }
}

function rateResult(load: LoadResult): RateResult {
  return {
    rate: load.rate,
    durationSeconds: load.durationSeconds,
    sent: load.sent,
    ok: load.ok,
    errorCount: load.errorCount,
    errors: load.errors,
    latency: summarize(load.latencies),
    sendLagP99: load.sendLagP99,
  };
}

/**
 * The worker and the Temporal server do the background work; the API answers Twilio. In production they
 * run on their own hosts (docker-compose also gives the workers half the API's CPU shares); on this one
 * 2-core box the same intent is expressed with nice, so background processing yields to the answer path.
 */
function setBackgroundPriority(stack: Stack, workerPid: number, nice: number): void {
  for (const pid of [workerPid, stack.temporal.process.pid ?? -1]) if (pid > 0) setProcessPriority(pid, nice);
}

export async function runWebhookBenchmark(stack: Stack, cfg: BenchConfig, log: (line: string) => void): Promise<WebhookResults> {
  const w = cfg.webhook;
  await stack.setLatency(0, w.serviceTitanLatencyMs);
  const tenant = await stack.createTenant('webhook');
  const customers = customerNumbers(w.conversations, 1);
  let [worker] = await stack.startWorkers(1);
  if (!worker) throw new Error('no worker');
  setBackgroundPriority(stack, worker.pid, w.backgroundNice);
  const ours: RateResult[] = [];
  let offset = 0;
  try {
    // Warm-up (not reported): JIT, pools, the first signalWithStart of many conversations.
    const warm = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, Math.round(50 * w.warmupSeconds), offset);
    offset += warm.length;
    const warmLoad = await runOpenLoop({ baseUrl: stack.apiUrl, rate: 50, requests: warm });
    log(`webhook: warm-up ${warmLoad.ok}/${warmLoad.sent} ok`);
    await drain(stack, warmLoad.acked.map((a) => a.sid), w.drainTimeoutSeconds);

    for (const rate of w.rates) {
      const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, Math.round(rate * (w.durationByRate[rate] ?? w.durationSeconds)), offset);
      offset += requests.length;
      const cpu0 = { api: cpuSeconds(stack.api.pid), temporal: cpuSeconds(stack.temporal.process.pid), worker: cpuSeconds(worker.pid) };
      const apiFrom = Date.now();
      const workerFrom = Date.now();
      const load = await runOpenLoop({ baseUrl: stack.apiUrl, rate, requests });
      const apiTo = Date.now();
      const cpu1 = { api: cpuSeconds(stack.api.pid), temporal: cpuSeconds(stack.temporal.process.pid) };
      const result = rateResult(load);
      const d = await drain(stack, load.acked.map((a) => a.sid), w.drainTimeoutSeconds);
      const workerTo = Date.now();
      const n = Math.max(1, load.sent);
      result.cpuMsPerRequest = {
        api: ((cpu1.api - cpu0.api) * 1000) / n,
        temporal: ((cpu1.temporal - cpu0.temporal) * 1000) / n,
        worker: ((cpuSeconds(worker.pid) - cpu0.worker) * 1000) / n,
      };
      result.stored = d.stored;
      result.duplicates = d.duplicates;
      result.lost = load.acked.length - d.stored;
      result.drainSeconds = d.seconds;
      const apiMem = memoryWindow(stack.api.memory, apiFrom, apiTo);
      const workerMem = memoryWindow(worker.memory, workerFrom, workerTo);
      result.memory = { ...(apiMem ? { api: apiMem } : {}), ...(workerMem ? { worker: workerMem } : {}) };
      ours.push(result);
      log(
        `webhook ours @${rate}/s: p50 ${result.latency.p50.toFixed(1)} p99 ${result.latency.p99.toFixed(1)} max ${result.latency.max.toFixed(0)} ms, ` +
          `errors ${result.errorCount}, stored ${d.stored}/${load.acked.length} (dups ${d.duplicates}) after ${d.seconds.toFixed(0)} s drain; ` +
          `CPU ms/request api ${result.cpuMsPerRequest.api.toFixed(2)} temporal ${result.cpuMsPerRequest.temporal.toFixed(2)} worker ${result.cpuMsPerRequest.worker.toFixed(1)}`,
      );
    }
    // Diagnostic: the background at the API's priority, as when everything shares the box with no say.
    if (w.backgroundNice !== 0 && w.pausedWorkerSeconds > 0) {
      setBackgroundPriority(stack, worker.pid, 0);
      const rate = 100;
      const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, Math.round(rate * w.pausedWorkerSeconds), offset);
      offset += requests.length;
      const load = await runOpenLoop({ baseUrl: stack.apiUrl, rate, requests });
      const result = rateResult(load);
      result.variant = 'worker and Temporal at the API\'s priority';
      const d = await drain(stack, load.acked.map((a) => a.sid), w.drainTimeoutSeconds);
      result.stored = d.stored;
      result.duplicates = d.duplicates;
      result.lost = load.acked.length - d.stored;
      result.drainSeconds = d.seconds;
      ours.push(result);
      setBackgroundPriority(stack, worker.pid, w.backgroundNice);
      log(
        `webhook ours @${rate}/s, background at normal priority: p50 ${result.latency.p50.toFixed(1)} p99 ${result.latency.p99.toFixed(1)} max ${result.latency.max.toFixed(0)} ms, ` +
          `errors ${result.errorCount}, stored ${d.stored}/${load.acked.length} (dups ${d.duplicates}) after ${d.seconds.toFixed(0)} s drain`,
      );
    }
    // Diagnostic: the same answer path with no worker competing for the two cores (and for the Temporal
    // server's single SQLite writer) during the load; a worker is started afterwards to drain and verify.
    if (w.pausedWorkerSeconds > 0) {
      await worker.stop();
      const rate = 100;
      const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, Math.round(rate * w.pausedWorkerSeconds), offset);
      offset += requests.length;
      const cpu0 = { api: cpuSeconds(stack.api.pid), temporal: cpuSeconds(stack.temporal.process.pid) };
      const from = Date.now();
      const load = await runOpenLoop({ baseUrl: stack.apiUrl, rate, requests });
      const to = Date.now();
      const cpu1 = { api: cpuSeconds(stack.api.pid), temporal: cpuSeconds(stack.temporal.process.pid) };
      const result = rateResult(load);
      result.variant = 'worker stopped during the load';
      [worker] = await stack.startWorkers(1);
      if (!worker) throw new Error('no worker');
      setBackgroundPriority(stack, worker.pid, w.backgroundNice);
      const d = await drain(stack, load.acked.map((a) => a.sid), w.drainTimeoutSeconds);
      result.stored = d.stored;
      result.duplicates = d.duplicates;
      result.lost = load.acked.length - d.stored;
      result.drainSeconds = d.seconds;
      const apiMem = memoryWindow(stack.api.memory, from, to);
      result.memory = apiMem ? { api: apiMem } : {};
      const n = Math.max(1, load.sent);
      result.cpuMsPerRequest = { api: ((cpu1.api - cpu0.api) * 1000) / n, temporal: ((cpu1.temporal - cpu0.temporal) * 1000) / n, worker: Number.NaN };
      ours.push(result);
      log(
        `webhook ours @${rate}/s, worker stopped: p50 ${result.latency.p50.toFixed(1)} p99 ${result.latency.p99.toFixed(1)} max ${result.latency.max.toFixed(0)} ms, ` +
          `errors ${result.errorCount}, stored ${d.stored}/${load.acked.length} (dups ${d.duplicates}) after ${d.seconds.toFixed(0)} s drain`,
      );
    }
  } finally {
    await worker?.stop();
  }

  const baseline: RateResult[] = [];
  if (w.baseline) baseline.push(...(await runBaseline(stack, cfg, tenant, customers, log)));
  return {
    conversations: w.conversations,
    ours,
    baseline,
    serviceTitanLatencyMs: w.serviceTitanLatencyMs,
    openaiLatencyMs: 0,
    workers: 1,
    backgroundNice: w.backgroundNice,
  };
}

async function runBaseline(stack: Stack, cfg: BenchConfig, tenant: BenchTenant, customers: string[], log: (line: string) => void): Promise<RateResult[]> {
  const w = cfg.webhook;
  const port = await freePort();
  const { child } = await spawnBenchChild({
    name: 'baseline',
    script: 'bench/baseline-inline-handler.ts',
    env: envVars({ ...stack.env, PORT: port }),
  });
  const results: RateResult[] = [];
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    // The baseline's own warm-up, also not reported.
    await runOpenLoop({ baseUrl, rate: 20, requests: planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, 40, 0) });
    for (const rate of w.rates) {
      const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, Math.round(rate * (w.durationByRate[rate] ?? w.durationSeconds)), rate);
      const load = await runOpenLoop({ baseUrl, rate, requests });
      const result = rateResult(load);
      results.push(result);
      log(
        `webhook baseline @${rate}/s: p50 ${result.latency.p50.toFixed(1)} p99 ${result.latency.p99.toFixed(1)} max ${result.latency.max.toFixed(0)} ms, errors ${result.errorCount}`,
      );
      // Let in-flight bookings and the pool settle before the next rate.
      await sleep(2_000);
    }
  } finally {
    await child.stop();
  }
  return results;
}
