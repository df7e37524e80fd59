// Assistant benchmark: new conversations at a steady rate to a number whose assistant answers (auto mode),
// from the webhook's 200 to the assistant's reply created at the fake Twilio, once with an instant fake
// model and once with a fake model that takes 1.5 s a call. What we measure is our own overhead: the time
// the customer waits minus the model's time in that turn (every model call of it at the fake's latency).
import { QueryTypes } from 'sequelize';
import { insertAssistant, setAssistantNumbers } from '../db/repositories/assistants.ts';
import type { TraceEntry } from '../assistant/assistant-turn.ts';
import { testAssistantFields } from '../test/support/assistant-fields.ts';
import type { BenchConfig } from './config.ts';
import { customerNumbers, planWebhooks, runOpenLoop } from './load.ts';
import { cpuSeconds } from './processes.ts';
import type { BenchTenant, Stack } from './stack.ts';
import { sleep, summarize, type Summary } from './stats.ts';

/** What the customers write, in turn: a booking (two model calls, the availability tool) and a question (one model call). */
export const assistantTexts = {
  booking: 'Hi, I would like to book a maintenance visit for my AC',
  question: 'Hi, do you also work on heat pumps?',
} as const;
export type AssistantTurnKind = keyof typeof assistantTexts;
const textsInTurn: readonly string[] = [assistantTexts.booking, assistantTexts.question];

/** Targets of issue 13: our overhead at 20 new conversations/s, whatever the model takes. */
export const assistantOverheadTargets = { p50Ms: 300, p99Ms: 1000, goalP50Ms: 150 } as const;
/** The rate the issue sets the overhead targets at. */
export const assistantTargetRate = 20;

const timeZone = 'America/Chicago';

export interface AssistantKindFigures {
  kind: 'all' | AssistantTurnKind;
  /** Conversations of that kind whose reply reached the fake Twilio. */
  replied: number;
  /** Webhook's 200 → the reply's last text created at the fake Twilio, ms. */
  total: Summary;
  /** total − model calls × the fake model's latency, ms. */
  overhead: Summary;
  /** Model calls per turn, the classifier's included (mean). */
  modelCallsPerTurn: number;
}

export interface AssistantRun {
  modelLatencyMs: number;
  rate: number;
  durationSeconds: number;
  sent: number;
  acked: number;
  webhookErrors: number;
  /** Conversations whose every reply text reached the fake Twilio. */
  replied: number;
  /** Replies that were a handoff rather than an answer (a model or tool failure, a guardrail), and why. */
  handedOff: number;
  handoffReasons: Record<string, number>;
  /** Conversations that got more texts at the fake than the assistant recorded (sent twice), and fewer. */
  duplicated: number;
  missing: number;
  /** Texts per conversation at the fake (first SMS + answer). */
  textsAtFake: number;
  /** replied ÷ (last reply at the fake − first 200) */
  throughput: number;
  spanSeconds: number;
  byKind: AssistantKindFigures[];
  /** Model calls counted (one classifier call per message + the turn's model steps) and received by the fake. */
  modelCalls: { counted: number; atFake: number };
  /** The stored trace's ms per model call: workflow time across the activity, so dispatch is in it. */
  traceModelCallMs: Summary;
  /** CPU ms per replied conversation over the run, by process. */
  cpuMsPerTurn: { workers: number; temporal: number; api: number };
}

export interface AssistantResults {
  workers: number;
  warmupConversations: number;
  serviceTitanLatencyMs: number;
  texts: typeof assistantTexts;
  runs: AssistantRun[];
}


/** A tenant whose number has the assistant, with ServiceTitan configured and seeded for its tools. */
async function assistantTenant(stack: Stack, label: string): Promise<BenchTenant> {
  const tenant = await stack.createTenant(label);
  const db = stack.db;
  // The booking defaults the availability tool needs (the fake's seeded business unit and job type).
  await db.models.ServiceTitanConfig.update({ businessUnitId: 11, jobTypeId: 21, campaignId: 31 }, { where: { tenantId: tenant.id } });
  await stack.seedAssistantServiceTitan(tenant, timeZone);
  await stack.addTwilioAccount(tenant);
  const number = await db.models.PhoneNumber.findOne({ where: { tenantId: tenant.id, phone: tenant.ourNumber }, rejectOnEmpty: true });
  await db.sequelize.transaction(async (transaction) => {
    const id = await insertAssistant(db, tenant.id, testAssistantFields({ timeZone }), transaction);
    await setAssistantNumbers(db, tenant.id, id, [number.id], transaction);
  });
  return tenant;
}

interface TurnRow {
  phone: string;
  outcome: string | null;
  handoffReason: string | null;
  trace: TraceEntry[] | null;
  replies: number;
}

const turnRows = (stack: Stack, tenantId: string) =>
  stack.db.sequelize.query<TurnRow>(
    `SELECT ct.phone, t.outcome, t.handoff_reason AS "handoffReason", t.trace,
            (SELECT count(*)::int FROM messages m WHERE m.conversation_id = cv.id AND m.author = 'assistant') AS replies
       FROM conversations cv
       JOIN contacts ct ON ct.id = cv.contact_id
       LEFT JOIN assistant_turns t ON t.conversation_id = cv.id
      WHERE cv.tenant_id = :t`,
    { replacements: { t: tenantId }, type: QueryTypes.SELECT },
  );

/**
 * Polls until `expected` turns of the tenant are recorded and the fake Twilio has as many texts as the
 * assistant queued, or the deadline passes.
 */
async function waitForReplies(stack: Stack, tenant: BenchTenant, expected: number, deadline: number): Promise<void> {
  for (;;) {
    const [row] = await stack.db.sequelize.query<{ turns: number; texts: number }>(
      `SELECT (SELECT count(*)::int FROM assistant_turns WHERE tenant_id = :t) AS turns,
              (SELECT count(*)::int FROM messages WHERE tenant_id = :t AND author = 'assistant') AS texts`,
      { replacements: { t: tenant.id }, type: QueryTypes.SELECT },
    );
    const atFake = await stack.twilioSends(tenant.accountSid);
    if ((row && row.turns >= expected && atFake.total >= row.texts) || Date.now() > deadline) return;
    await sleep(500);
  }
}

export async function runAssistantBenchmark(stack: Stack, cfg: BenchConfig, log: (line: string) => void): Promise<AssistantResults> {
  const a = cfg.assistant;
  await stack.setTwilio({ latencyMs: 0, statusCallbacks: false });
  const started = await stack.startWorkers(a.workers);
  const runs: AssistantRun[] = [];
  try {
    // A fresh worker compiles its code paths on the first turns: warm it up on another tenant first.
    if (a.warmupConversations > 0) {
      await stack.setLatency(0, a.serviceTitanLatencyMs);
      const warmup = await assistantTenant(stack, 'assistant-warmup');
      const warm = await runOpenLoop({
        baseUrl: stack.apiUrl,
        rate: a.rates[0] ?? assistantTargetRate,
        requests: planWebhooks(warmup, stack.env.PUBLIC_BASE_URL, customerNumbers(a.warmupConversations, 900), a.warmupConversations, 0, textsInTurn),
      });
      await waitForReplies(stack, warmup, warm.acked.length, Date.now() + a.timeoutSeconds * 1000);
    }
    let seed = 910;
    for (const [rate, modelLatencyMs] of a.rates.flatMap((r) => a.modelLatenciesMs.map((m) => [r, m] as const))) {
      seed++;
      await stack.setLatency(modelLatencyMs, a.serviceTitanLatencyMs);
      const tenant = await assistantTenant(stack, `assistant-${rate}-${modelLatencyMs}ms`);
      const conversations = Math.round(rate * a.durationSeconds);
      const customers = customerNumbers(conversations, seed);
      const kindOf = new Map(customers.map((c, i) => [c, (i % 2 === 0 ? 'booking' : 'question') as AssistantTurnKind]));
      const fakeBefore = await stack.fakeStats();
      const cpu = () => ({
        workers: started.reduce((sum, w) => sum + cpuSeconds(w.pid), 0),
        temporal: cpuSeconds(stack.temporal.process.pid),
        api: cpuSeconds(stack.api.pid),
      });
      const cpuBefore = cpu();
      const requests = planWebhooks(tenant, stack.env.PUBLIC_BASE_URL, customers, conversations, 0, textsInTurn);
      const load = await runOpenLoop({ baseUrl: stack.apiUrl, rate, requests });
      await waitForReplies(stack, tenant, load.acked.length, Date.now() + a.timeoutSeconds * 1000);
      const cpuAfter = cpu();
      // A text sent twice would come from a retried send right behind the first: give it a moment to show.
      await sleep(1000);
      const [byTo, rows, fakeAfter] = await Promise.all([stack.twilioSendsByTo(tenant.accountSid), turnRows(stack, tenant.id), stack.fakeStats()]);
      const run = measureRun({ modelLatencyMs, rate, durationSeconds: a.durationSeconds, load, kindOf, rows, byTo });
      run.modelCalls.atFake = fakeAfter.openaiCalls - fakeBefore.openaiCalls;
      const perTurn = (k: 'workers' | 'temporal' | 'api') => (run.replied > 0 ? ((cpuAfter[k] - cpuBefore[k]) * 1000) / run.replied : Number.NaN);
      run.cpuMsPerTurn = { workers: perTurn('workers'), temporal: perTurn('temporal'), api: perTurn('api') };
      runs.push(run);
      const all = run.byKind[0];
      log(
        `assistant, ${rate}/s, model ${modelLatencyMs} ms: ${run.replied}/${run.acked} replied in ${run.spanSeconds.toFixed(1)} s = ${run.throughput.toFixed(1)}/s; ` +
          `total p50 ${all?.total.p50.toFixed(0)} p99 ${all?.total.p99.toFixed(0)} ms; overhead p50 ${all?.overhead.p50.toFixed(0)} p99 ${all?.overhead.p99.toFixed(0)} ms; ` +
          `${run.duplicated} doubled, ${run.missing} missing, ${run.handedOff} handed off; model calls ${run.modelCalls.counted} counted / ${run.modelCalls.atFake} at the fake; ` +
          `CPU ms/turn: workers ${run.cpuMsPerTurn.workers.toFixed(0)}, temporal ${run.cpuMsPerTurn.temporal.toFixed(0)}, api ${run.cpuMsPerTurn.api.toFixed(1)}`,
      );
    }
  } finally {
    await Promise.all(started.map((w) => w.stop()));
  }
  return { workers: a.workers, warmupConversations: a.warmupConversations, serviceTitanLatencyMs: a.serviceTitanLatencyMs, texts: assistantTexts, runs };
}

/** One run's figures from the acknowledged webhooks, the recorded turns and what reached the fake Twilio. */
export function measureRun(input: {
  modelLatencyMs: number;
  rate: number;
  durationSeconds: number;
  load: { sent: number; errorCount: number; acked: Array<{ from: string; at: number }> };
  kindOf: ReadonlyMap<string, AssistantTurnKind>;
  rows: readonly TurnRow[];
  byTo: Readonly<Record<string, { count: number; lastAt: number }>>;
}): AssistantRun {
  const { modelLatencyMs, load, kindOf, rows, byTo } = input;
  const rowOf = new Map(rows.map((r) => [r.phone, r]));
  const samples: Array<{ kind: AssistantTurnKind; total: number; overhead: number; modelCalls: number }> = [];
  const traceMs: number[] = [];
  let replied = 0;
  let handedOff = 0;
  const handoffReasons: Record<string, number> = {};
  let duplicated = 0;
  let missing = 0;
  let textsAtFake = 0;
  let last = 0;
  let modelCalls = 0;
  for (const ack of load.acked) {
    const row = rowOf.get(ack.from);
    const fake = byTo[ack.from];
    textsAtFake += fake?.count ?? 0;
    const expected = row?.replies ?? 0;
    if (!row?.outcome || expected === 0 || !fake || fake.count < expected) {
      missing++;
      continue;
    }
    if (fake.count > expected) duplicated++;
    replied++;
    if (row.outcome !== 'replied') {
      handedOff++;
      const why = row.handoffReason ?? row.outcome;
      handoffReasons[why] = (handoffReasons[why] ?? 0) + 1;
    }
    const modelSteps = (row.trace ?? []).filter((t) => t.kind === 'model');
    for (const step of modelSteps) traceMs.push(step.ms);
    // The classifier's call files the message before the turn: one per inbound message, at the same latency.
    const calls = 1 + modelSteps.length;
    modelCalls += calls;
    const total = fake.lastAt - ack.at;
    last = Math.max(last, fake.lastAt);
    samples.push({ kind: kindOf.get(ack.from) ?? 'question', total, overhead: total - calls * modelLatencyMs, modelCalls: calls });
  }
  const figures = (kind: AssistantKindFigures['kind']): AssistantKindFigures => {
    const of = samples.filter((s) => kind === 'all' || s.kind === kind);
    return {
      kind,
      replied: of.length,
      total: summarize(of.map((s) => s.total)),
      overhead: summarize(of.map((s) => s.overhead)),
      modelCallsPerTurn: of.length ? of.reduce((sum, s) => sum + s.modelCalls, 0) / of.length : Number.NaN,
    };
  };
  const firstAck = load.acked.length ? Math.min(...load.acked.map((a) => a.at)) : 0;
  const spanSeconds = last > 0 ? (last - firstAck) / 1000 : Number.NaN;
  return {
    modelLatencyMs,
    rate: input.rate,
    durationSeconds: input.durationSeconds,
    sent: load.sent,
    acked: load.acked.length,
    webhookErrors: load.errorCount,
    replied,
    handedOff,
    handoffReasons,
    duplicated,
    missing,
    textsAtFake,
    throughput: spanSeconds > 0 ? replied / spanSeconds : Number.NaN,
    spanSeconds,
    byKind: [figures('all'), figures('booking'), figures('question')],
    modelCalls: { counted: modelCalls, atFake: Number.NaN },
    traceModelCallMs: summarize(traceMs),
    cpuMsPerTurn: { workers: Number.NaN, temporal: Number.NaN, api: Number.NaN },
  };
}
