// Pipeline benchmark: N new conversations, one inbound message each, from the webhook's 200 to the
// ServiceTitan booking stored on the conversation (service_titan_booking_created_at). Instant fakes and
// realistic ones (OpenAI 800 ms, ServiceTitan 300 ms), with 1 and 2 worker processes.
import { QueryTypes } from 'sequelize';
import type { BenchConfig } from './config.ts';
import { customerNumbers, planWebhooks, runOpenLoop } from './load.ts';
import { cpuSeconds } from './processes.ts';
import type { Stack } from './stack.ts';
import { sleep, summarize, type Summary } from './stats.ts';

export interface PipelineRun {
  fakes: 'instant' | 'realistic';
  openaiLatencyMs: number;
  serviceTitanLatencyMs: number;
  workers: number;
  conversations: number;
  /** booked on another tenant by the fresh worker(s) before the measured run, not counted */
  warmupConversations: number;
  acked: number;
  booked: number;
  /** conversations per second: booked / (last booking − first 200) */
  throughput: number;
  /** first 200 → last booking */
  spanSeconds: number;
  latency: Summary;
  bookingsAtFake: number;
  webhookErrors: number;
  /** CPU ms per booked conversation over the run, by process */
  cpuMsPerConversation: { workers: number; temporal: number; api: number };
}

export async function runPipelineBenchmark(stack: Stack, cfg: BenchConfig, log: (line: string) => void): Promise<PipelineRun[]> {
  const p = cfg.pipeline;
  const modes = [
    { fakes: 'instant' as const, openaiLatencyMs: 0, serviceTitanLatencyMs: 0 },
    { fakes: 'realistic' as const, ...p.realistic },
  ];
  const runs: PipelineRun[] = [];
  let seed = 100;
  for (const mode of modes.filter((m) => p.fakes.includes(m.fakes))) {
    for (const workers of mode.fakes === 'instant' ? p.workerCounts : p.realisticWorkerCounts) {
      seed++;
      await stack.setLatency(mode.openaiLatencyMs, mode.serviceTitanLatencyMs);
      const tenant = await stack.createTenant(`pipeline-${mode.fakes}-${workers}w`);
      const customers = customerNumbers(p.conversations, seed);
      const started = await stack.startWorkers(workers, p.workerNodeArgs);
      // A fresh worker compiles its code paths on the first conversations (JIT, pools, caches): warm it
      // up on another tenant first, so the figure is the steady state a running worker delivers.
      if (p.warmupConversations > 0) {
        const warmup = await stack.createTenant(`pipeline-warmup-${mode.fakes}-${workers}w`);
        const warmupCustomers = customerNumbers(p.warmupConversations, seed + 1000);
        const warm = await runOpenLoop({
          baseUrl: stack.apiUrl,
          rate: Math.min(p.rate, 50),
          requests: planWebhooks(warmup, stack.env.PUBLIC_BASE_URL, warmupCustomers, p.warmupConversations, 0),
        });
        await waitForBookings(stack, warmup.id, warm.acked.length, Date.now() + p.timeoutSeconds * 1000);
      }
      const before = await stack.fakeStats();
      const cpu = () => ({
        workers: started.reduce((sum, w) => sum + cpuSeconds(w.pid), 0),
        temporal: cpuSeconds(stack.temporal.process.pid),
        api: cpuSeconds(stack.api.pid),
      });
      const cpuBefore = cpu();
      try {
        const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, p.conversations, 0);
        const load = await runOpenLoop({ baseUrl: stack.apiUrl, rate: p.rate, requests });
        const ackAt = new Map(load.acked.map((a) => [a.from, a.at]));
        const booked = await waitForBookings(stack, tenant.id, load.acked.length, Date.now() + p.timeoutSeconds * 1000);
        const rows = await stack.db.sequelize.query<{ phone: string; at: Date }>(
          `SELECT ct.phone, cv.service_titan_booking_created_at AS at FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id
            WHERE cv.tenant_id = :t AND cv.service_titan_booking_created_at IS NOT NULL`,
          { replacements: { t: tenant.id }, type: QueryTypes.SELECT },
        );
        const latencies: number[] = [];
        let last = 0;
        for (const r of rows) {
          const ack = ackAt.get(r.phone);
          const at = new Date(r.at).getTime();
          last = Math.max(last, at);
          if (ack !== undefined) latencies.push(at - ack);
        }
        const firstAck = Math.min(...load.acked.map((a) => a.at));
        const spanSeconds = (last - firstAck) / 1000;
        const after = await stack.fakeStats();
        const cpuAfter = cpu();
        const perConversation = (k: 'workers' | 'temporal' | 'api') => (booked > 0 ? ((cpuAfter[k] - cpuBefore[k]) * 1000) / booked : Number.NaN);
        const run: PipelineRun = {
          ...mode,
          workers,
          conversations: p.conversations,
          warmupConversations: p.warmupConversations,
          acked: load.acked.length,
          booked,
          throughput: spanSeconds > 0 ? booked / spanSeconds : Number.NaN,
          spanSeconds,
          latency: summarize(latencies),
          bookingsAtFake: after.bookings - before.bookings,
          webhookErrors: load.errorCount,
          cpuMsPerConversation: { workers: perConversation('workers'), temporal: perConversation('temporal'), api: perConversation('api') },
        };
        runs.push(run);
        log(
          `pipeline ${mode.fakes} ${workers}w: ${booked}/${load.acked.length} booked in ${spanSeconds.toFixed(1)} s = ${run.throughput.toFixed(1)} conv/s; ` +
            `latency p50 ${run.latency.p50.toFixed(0)} p95 ${run.latency.p95.toFixed(0)} p99 ${run.latency.p99.toFixed(0)} ms; fake bookings ${run.bookingsAtFake}; ` +
            `CPU ms/conversation: workers ${run.cpuMsPerConversation.workers.toFixed(0)}, temporal ${run.cpuMsPerConversation.temporal.toFixed(0)}, api ${run.cpuMsPerConversation.api.toFixed(0)}`,
        );
      } finally {
        await Promise.all(started.map((w) => w.stop()));
      }
    }
  }
  return runs;
}

/** Polls until `expected` conversations of the tenant are booked or the deadline passes; returns how many are. */
async function waitForBookings(stack: Stack, tenantId: string, expected: number, deadline: number): Promise<number> {
  for (;;) {
    const [row] = await stack.db.sequelize.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM conversations WHERE tenant_id = :t AND service_titan_booking_created_at IS NOT NULL',
      { replacements: { t: tenantId }, type: QueryTypes.SELECT },
    );
    const booked = row?.n ?? 0;
    if (booked >= expected || Date.now() > deadline) return booked;
    await sleep(250);
  }
}
