// Overload benchmark: 200 *new* conversations a second for 30 s against the single-machine stack exactly as
// `npm start` configures it by default (config/single-machine.ts: worker and Temporal dev server below the
// API's priority, the worker's concurrency bounded) — the bench adds no priority of its own. The pipeline
// may fall behind (it is durable); the answer to Twilio may not: every request must be answered 200 within
// the p99 target, and afterwards every acknowledged message must be filed exactly once and its conversation
// booked.
import { QueryTypes } from 'sequelize';
import type { BenchConfig } from './config.ts';
import { customerNumbers, planWebhooks, runOpenLoop } from './load.ts';
import { singleMachineWorkerLimits } from '../config/single-machine.ts';
import { cpuSeconds, setProcessPriority } from './processes.ts';
import type { Stack } from './stack.ts';
import { sleep, summarize, type Summary } from './stats.ts';

/** The issue's bar for the answer path under overload. */
export const overloadP99TargetMs = 250;

export interface OverloadResults {
  rate: number;
  durationSeconds: number;
  sent: number;
  ok: number;
  errorCount: number;
  errors: Record<string, number>;
  latency: Summary;
  sendLagP99: number;
  /** acknowledged messages the workflows filed, and how many were filed more than once */
  filed: number;
  duplicates: number;
  /** conversations of the run with their booking created (texts that ask for nothing are filed, not booked) */
  booked: number;
  /** bookings still pending or retrying when the drain ended (0: every booking settled) */
  unsettled: number;
  /** seconds from the end of the load until everything was filed and booked (or the timeout) */
  drainSeconds: number;
  /** CPU seconds during the load, by process */
  cpuSeconds: { api: number; worker: number; temporal: number };
  serviceTitanLatencyMs: number;
  /** nice of the worker and the Temporal server (npm start's default) */
  backgroundNice: number;
}

interface Progress {
  filed: number;
  rows: number;
  /** conversations with their booking created */
  booked: number;
  /** conversations whose booking is still pending or retrying */
  unsettled: number;
}

async function progress(stack: Stack, tenantId: string, sids: string[]): Promise<Progress> {
  const [row] = await stack.db.sequelize.query<Progress>(
    `SELECT (SELECT count(DISTINCT twilio_sid)::int FROM messages WHERE twilio_sid = ANY(CAST(:sids AS text[])) AND filed_at IS NOT NULL) AS filed,
            (SELECT count(*)::int FROM messages WHERE twilio_sid = ANY(CAST(:sids AS text[]))) AS rows,
            (SELECT count(*)::int FROM conversations WHERE tenant_id = :t AND booking_status = 'created') AS booked,
            (SELECT count(*)::int FROM conversations WHERE tenant_id = :t AND booking_status IN ('pending', 'retrying')) AS unsettled`,
    { replacements: { sids: `{${sids.join(',')}}`, t: tenantId }, type: QueryTypes.SELECT },
  );
  return row ?? { filed: 0, rows: 0, booked: 0, unsettled: 0 };
}

const settled = (p: Progress, expectedFiled: number) => p.filed >= expectedFiled && p.unsettled === 0;

export async function runOverloadBenchmark(stack: Stack, cfg: BenchConfig, log: (line: string) => void): Promise<OverloadResults> {
  const o = cfg.overload;
  await stack.setLatency(0, o.serviceTitanLatencyMs);
  const tenant = await stack.createTenant('overload');
  const [worker] = await stack.startWorkers(1, [], { ...singleMachineWorkerLimits });
  if (!worker) throw new Error('no worker');
  for (const pid of [worker.pid, stack.temporal.process.pid ?? -1]) if (pid > 0) setProcessPriority(pid, o.backgroundNice);
  try {
    // Warm-up on other customers (not reported): JIT, pools, the first workflows.
    const warmCustomers = customerNumbers(o.warmupRequests, 91);
    const warm = await runOpenLoop({ baseUrl: stack.apiUrl, rate: 50, requests: planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, warmCustomers, o.warmupRequests) });
    const warmSids = warm.acked.map((a) => a.sid);
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(500)) {
      if (settled(await progress(stack, tenant.id, warmSids), warmSids.length)) break;
    }
    const warmBooked = (await progress(stack, tenant.id, warmSids)).booked;

    const count = Math.round(o.rate * o.durationSeconds);
    // One message per customer: every request is a new contact, conversation and workflow.
    const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customerNumbers(count, 92), count);
    const cpu0 = { api: cpuSeconds(stack.api.pid), worker: cpuSeconds(worker.pid), temporal: cpuSeconds(stack.temporal.process.pid) };
    const load = await runOpenLoop({ baseUrl: stack.apiUrl, rate: o.rate, requests });
    // Where in the load the slow answers were (a burst's first second, or spread over it).
    const slow = load.bySecond.filter((s) => s.max > overloadP99TargetMs);
    log(`overload: seconds with an answer over ${overloadP99TargetMs} ms: ${slow.map((s) => `${s.second} s: p99 ${s.p99.toFixed(0)}, max ${s.max.toFixed(0)}`).join('; ') || 'none'}`);
    const cpu1 = { api: cpuSeconds(stack.api.pid), worker: cpuSeconds(worker.pid), temporal: cpuSeconds(stack.temporal.process.pid) };
    const sids = load.acked.map((a) => a.sid);
    const drainFrom = Date.now();
    let p = await progress(stack, tenant.id, sids);
    while (!settled(p, sids.length) && Date.now() - drainFrom < o.drainTimeoutSeconds * 1000) {
      await sleep(1_000);
      p = await progress(stack, tenant.id, sids);
    }
    const result: OverloadResults = {
      rate: o.rate,
      durationSeconds: o.durationSeconds,
      sent: load.sent,
      ok: load.ok,
      errorCount: load.errorCount,
      errors: load.errors,
      latency: summarize(load.latencies),
      sendLagP99: load.sendLagP99,
      filed: p.filed,
      duplicates: p.rows - sids.length,
      booked: p.booked - warmBooked,
      unsettled: p.unsettled,
      drainSeconds: (Date.now() - drainFrom) / 1000,
      cpuSeconds: { api: cpu1.api - cpu0.api, worker: cpu1.worker - cpu0.worker, temporal: cpu1.temporal - cpu0.temporal },
      serviceTitanLatencyMs: o.serviceTitanLatencyMs,
      backgroundNice: o.backgroundNice,
    };
    log(
      `overload @${o.rate}/s new conversations, everything at default priority: p50 ${result.latency.p50.toFixed(1)} p99 ${result.latency.p99.toFixed(1)} ` +
        `max ${result.latency.max.toFixed(0)} ms, errors ${result.errorCount}; filed ${result.filed}/${sids.length} (dups ${result.duplicates}), ` +
        `booked ${result.booked}, unsettled ${result.unsettled} after ${result.drainSeconds.toFixed(0)} s`,
    );
    return result;
  } finally {
    await worker.stop();
  }
}
