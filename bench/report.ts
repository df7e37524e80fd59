// Writes BENCHMARKS.md from a run's results. The hand-written analysis lives between the
// `<!-- analysis -->` markers and is carried over from the previous file; everything else is regenerated.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { temporalBinary } from '../scripts/temporal-dev-server.ts';
import { temporalServerVersion } from '../scripts/temporal-server.ts';
import { singleMachineWorkerLimits } from '../config/single-machine.ts';
import { assistantOverheadTargets, assistantTargetRate, type AssistantResults, type AssistantRun } from './assistant.ts';
import { campaignSendsGoal, campaignSendsTarget, historyEventsLimit, pacedTolerance, webhookP99TargetMs, type CampaignsResults } from './campaigns.ts';
import { benchmarkNames } from './config.ts';
import { overloadP99TargetMs } from './overload.ts';
import { contactsTargetP95Ms } from './contacts.ts';
import { normalizeResults, type BenchResults } from './results.ts';
import { mib, ms, ratio, type Summary } from './stats.ts';

export async function machineInfo(adminUrl: string, temporalKind: 'dev' | 'server' = 'dev') {
  let postgres = 'unknown';
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string; sb: string; wm: string }>(
      "SELECT version() AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm",
    );
    const r = rows[0];
    if (r) postgres = `${r.v.split(' on ')[0]} (shared_buffers ${r.sb}, work_mem ${r.wm})`;
  } catch {
    // reported as unknown
  } finally {
    await client.end().catch(() => {});
  }
  let temporal = 'unknown';
  try {
    temporal =
      temporalKind === 'server'
        ? `Temporal server ${temporalServerVersion} built from source (PostgreSQL persistence and visibility, 512 history shards)`
        : `${execFileSync(temporalBinary, ['--version'], { encoding: 'utf8' }).trim()} (dev server, SQLite WAL + synchronous=OFF, in memory)`;
  } catch {
    // reported as unknown
  }
  const cpuModel = (() => {
    try {
      return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
    } catch {
      return cpus()[0]?.model ?? 'unknown';
    }
  })();
  return {
    cpus: cpus().length,
    cpuModel,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    temporal,
  };
}

const analysisStart = '<!-- analysis -->';
const analysisEnd = '<!-- /analysis -->';

function previousAnalysis(path: string): string {
  if (!existsSync(path)) return '_(Add the analysis between the analysis markers; the run keeps it.)_';
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(analysisStart);
  const b = text.indexOf(analysisEnd);
  return a >= 0 && b > a ? text.slice(a + analysisStart.length, b).trim() : '';
}

const met = (ok: boolean) => (ok ? '**met**' : '**missed**');
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const pcts = (s: Summary) => [ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)];
/** One line of text in a table cell. */
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 200);
const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const count = (value: number) => value.toLocaleString('en-US');
const sign = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)} %`;

/** When each section ran: every section of a merged file says so, with the command that ran it. */
function sectionLines(r: BenchResults): string[] {
  const lines: string[] = [];
  const timed = benchmarkNames.flatMap((name) => {
    const s = r.sections?.[name];
    return s ? [{ name, ...s }] : [];
  });
  if (timed.length) {
    lines.push(
      '- Sections: ' +
        timed
          .map((s) => {
            const merged = s.command !== r.command ? `, merged in from \`${s.command}\`${s.scale !== r.scale ? ` at scale ${s.scale}` : ''}` : '';
            return `${s.name} ${s.startedAt} → ${s.finishedAt} (${(s.seconds / 60).toFixed(1)} min${merged})`;
          })
          .join('; '),
    );
  }
  for (const f of r.failures ?? []) lines.push(`- **Failed: ${f.section}** at ${f.at}: ${cell(f.error)}`);
  return lines;
}

const modelLabel = (latencyMs: number) => (latencyMs === 0 ? 'instant' : `${num(latencyMs / 1000, 1)} s a call`);
const runLabel = (run: AssistantRun) => `${run.rate}/s, ${modelLabel(run.modelLatencyMs)}`;

export function renderAssistant(ar: AssistantResults, targets: string[]): string[] {
  const out: string[] = [];
  const first = ar.runs[0];
  out.push('## Assistant', '');
  out.push(
    `New conversations at ${[...new Set(ar.runs.map((r) => r.rate))].join(' and ') || '–'}/s for ${first?.durationSeconds ?? '–'} s each (signed inbound webhooks, open loop as in the webhook section) to a number whose assistant answers in auto mode (always open, ServiceTitan connected with the availability and booking tools on, its data seeded at the fake), through the real conversation workflow and ${ar.workers} worker process; replies go out through the real twilio SDK to the fake Twilio. ` +
      `Every other customer writes "${ar.texts.booking}" (the model asks for check_availability, the tool reads the fake ServiceTitan, the model answers with the windows: two model calls) and the rest "${ar.texts.question}" (one model call, a plain answer); every message is classified first (one more model call). ` +
      `At each rate once with an instant fake model and once with one that takes 1.5 s a call (the classifier's and the turn's alike); the fake ServiceTitan answers in ${ar.serviceTitanLatencyMs} ms, so its tool call counts as our own cost, and the fake Twilio in 0 ms (status callbacks not posted). ` +
      `Each freshly started worker first answers ${ar.warmupConversations} warm-up conversations of another tenant (not counted).`,
    '',
    "Total: from the webhook's 200 to the reply's last text (the answer, after the first SMS with the disclosure) created at the fake Twilio, matched by the customer's number. " +
      "Overhead: total − model calls × the fake model's latency per call, the calls counted as the classifier's one plus the model steps in the turn's stored trace (the fake's own count beside it). " +
      "The trace's per-call ms is not subtracted: it is workflow time across the model call's activity, so the activity's dispatch and the workflow task that resumes the turn are in it (shown in its own row). " +
      'Throughput = replied ÷ (last reply at the fake − first 200). Latencies in ms.',
    '',
  );
  out.push(row(['rate, model', 'messages', 'replied', 'total p50', 'p95', 'p99', 'max', '**overhead p50**', 'p95', 'p99', 'max', 'model calls per turn']));
  out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const run of ar.runs) {
    for (const k of run.byKind) {
      const label = k.kind === 'all' ? 'all' : k.kind === 'booking' ? 'booking (availability)' : 'question';
      out.push(row([runLabel(run), label, k.replied, ...pcts(k.total), `**${ms(k.overhead.p50)}**`, ms(k.overhead.p95), ms(k.overhead.p99), ms(k.overhead.max), num(k.modelCallsPerTurn, 2)]));
    }
  }
  out.push('');
  out.push(row(['rate, model', 'sent / acknowledged / webhook errors', 'replied', 'replies/s', 'span (s)', 'texts at the fake', 'replied exactly once', 'handed off', 'model calls counted / at the fake', 'trace ms per model call p50 / p99', 'CPU ms/turn: workers / Temporal / API']));
  out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---', '---:', '---', '---', '---']));
  for (const run of ar.runs) {
    const once = run.duplicated === 0 && run.missing === 0 ? `yes (${run.replied}/${run.acked})` : `**no**: ${run.missing} missing, ${run.duplicated} doubled`;
    const c = run.cpuMsPerTurn;
    out.push(
      row([
        runLabel(run),
        `${run.sent} / ${run.acked} / ${run.webhookErrors}`,
        run.replied,
        num(run.throughput),
        num(run.spanSeconds),
        run.textsAtFake,
        once,
        run.handedOff,
        `${run.modelCalls.counted} / ${Number.isFinite(run.modelCalls.atFake) ? run.modelCalls.atFake : '–'}`,
        `${ms(run.traceModelCallMs.p50)} / ${ms(run.traceModelCallMs.p99)}`,
        `${num(c.workers, 0)} / ${num(c.temporal, 0)} / ${num(c.api, 1)}`,
      ]),
    );
  }
  out.push('');
  const handoffs = ar.runs.flatMap((run) => Object.entries(run.handoffReasons ?? {}).map(([why, n]) => `${cell(why)} × ${n} (${runLabel(run)})`));
  if (handoffs.length) out.push(`Handed off because: ${handoffs.join('; ')}.`, '');
  const judged = ar.runs.filter((run) => run.rate === assistantTargetRate);
  if (judged.length) {
    const t = assistantOverheadTargets;
    const overall = judged.map((run) => ({ label: modelLabel(run.modelLatencyMs), overhead: run.byKind.find((k) => k.kind === 'all')?.overhead, run }));
    const measured = (pick: (s: Summary) => number) => overall.map((o) => `${o.label} ${o.overhead ? ms(pick(o.overhead)) : '–'} ms`).join(', ');
    const p50s = overall.map((o) => o.overhead?.p50 ?? Number.NaN);
    const p99s = overall.map((o) => o.overhead?.p99 ?? Number.NaN);
    const complete = overall.every((o) => o.run.missing === 0 && o.run.duplicated === 0);
    const rate = assistantTargetRate;
    targets.push(
      row([
        `Assistant overhead p50 ≤ ${t.p50Ms} ms at ${rate} new conversations/s (goal ≤ ${t.goalP50Ms} ms), every conversation replied exactly once`,
        `p50 ${measured((s) => s.p50)}`,
        `${met(complete && p50s.every((v) => v <= t.p50Ms))}, goal ${p50s.every((v) => v <= t.goalP50Ms) ? 'met' : 'missed'}`,
      ]),
    );
    targets.push(row([`Assistant overhead p99 ≤ ${num(t.p99Ms / 1000, 0)} s at ${rate} new conversations/s`, `p99 ${measured((s) => s.p99)}`, met(complete && p99s.every((v) => v <= t.p99Ms))]));
  }
  return out;
}

export function renderCampaigns(cs: CampaignsResults, targets: string[]): string[] {
  const out: string[] = [];
  const t = cs.throughput;
  const reduced = cs.recipients < 100_000;
  out.push('## Campaigns', '');
  out.push(
    `${count(cs.recipients)} recipients (contacts with marketing consent and the campaign's tag, bulk-inserted by SQL) over ${cs.fromNumbers} from-numbers, through the real API (create, start), the campaign workflow on its own task queue and ${cs.workers} worker process (conversations and campaigns in one process, ${cs.campaignActivitySlots} campaign activities at a time: without a pace each sends a batch of up to 25 back to back, so as many texts are in flight), the real twilio SDK against the fake Twilio. ` +
      `The fake Twilio answers a send in ${cs.twilioLatencyMs} ms${cs.twilioLatencyMs === 0 ? ": the figure is our own cost; Twilio's API answers in roughly 100–300 ms, which at " + cs.campaignActivitySlots + ' sends in flight would cap one worker at about ' + Math.round(cs.campaignActivitySlots / 0.3) + '–' + Math.round(cs.campaignActivitySlots / 0.1) + '/s' : ''}; ` +
      `its status callbacks are ${cs.statusCallbacks ? 'posted to the API' : 'not posted (the statuses still advance at the fake; a real campaign adds about two callbacks per text at the API)'}. ` +
      `Quiet hours let every recipient through: each contact's own time zone is ${cs.quietHours.timeZone} (${cs.quietHours.localTimeAtStart} there when the section started; the checks use the contact's zone first and the 08:00–21:00 window stays open for hours), ` +
      `the numbers are in Texas area codes ${cs.quietHours.areaCodes.join(', ')} (no state 3-per-24-h rule), none had marketing before or a conversation needing a person. ` +
      `The worker and the Temporal server run at nice ${cs.backgroundNice}, as in the webhook section.`,
    '',
  );
  out.push('### Throughput, pace off (messagesPerSecond 0)', '');
  out.push(row(['measure', 'value']), row(['---', '---:']));
  const k = t.counts;
  out.push(row(['recipients', count(cs.recipients)]));
  out.push(row(['sent / skipped / failed / unknown / still queued', `${count(k.sent)} / ${count(k.skipped)} / ${count(k.failed)} / ${count(k.unknown)} / ${count(k.queued)}`]));
  if (Object.keys(t.skippedReasons).length) out.push(row(['skipped because', Object.entries(t.skippedReasons).map(([why, n]) => `${why} ${n}`).join(', ')]));
  out.push(row(['start → first text (audience frozen, first page)', `${num(t.audienceSeconds)} s`]));
  out.push(row(['**sends/s orchestrated**: the campaign alone, first text → the replies begin', `**${num(t.sendsPerSecond)}** (${count(t.aloneSends)} texts in ${num(t.aloneSeconds)} s)`]));
  out.push(row(['first → last text at the fake, the replies and their bookings included', `${num(t.sendSeconds)} s = ${num(t.overallSendsPerSecond)}/s`]));
  out.push(row(['start → campaign done', `${num(t.startToDoneSeconds)} s`]));
  out.push(row(["fake Twilio: messages / recipients / recipients texted twice or more", `${count(t.atFake.total)} / ${count(t.atFake.distinctTo)} / ${t.atFake.repeatedTo}`]));
  out.push(row(['our database: outbound messages / contacts they went to', `${count(t.inDatabase.outboundMessages)} / ${count(t.inDatabase.contacts)}`]));
  if (t.workerMemory) {
    const w = t.workerMemory;
    out.push(row(['worker RSS start / peak / end', `${mib(w.startRss)} / ${mib(w.peakRss)} / ${mib(w.endRss)}`]));
    out.push(row(['worker V8 heap start / peak / end', `${mib(w.startHeap)} / ${mib(w.peakHeap)} / ${mib(w.endHeap)}`]));
  }
  out.push(row(['CPU ms per text, the campaign alone: worker / Temporal server / API', `${num(t.cpuMsPerSend.worker, 2)} / ${num(t.cpuMsPerSend.temporal, 2)} / ${num(t.cpuMsPerSend.api, 2)}`]));
  out.push(row(['workflow runs (continue-as-new per page)', count(t.runs)]));
  out.push(row(['history events per run: max / mean / min', `${num(t.eventsPerRun.max, 0)} / ${num(t.eventsPerRun.mean, 0)} / ${num(t.eventsPerRun.min, 0)}`]));
  out.push('', 'Texts counted where the customers get them: the fake Twilio, per To. Memory from process.memoryUsage() every 250 ms, start of the campaign to done; CPU from /proc/<pid>/stat while the campaign ran alone. The replies begin once half the recipients are texted. History events from the Temporal client (`describe()` of every run of the campaign\'s workflow id).', '');

  const p = cs.paced;
  out.push(`### Default pace: ${p.messagesPerSecondPerNumber} message/s per number`, '');
  out.push(
    `A second campaign (another tenant, ${p.numbers} numbers of its own, enough recipients to outlast the window) at the default pace, held by the per-number token bucket in PostgreSQL; texts counted at the fake Twilio over ${p.windowSeconds} s, starting a few seconds after its first text. The campaign is canceled afterwards.`,
    '',
  );
  out.push(row(['numbers', 'per number', 'window (s)', 'texts in window', 'measured rate (/s)', 'expected (/s)', 'deviation', 'texts per number, min–max']));
  out.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  out.push(row([p.numbers, `${p.messagesPerSecondPerNumber}/s`, p.windowSeconds, p.sends, num(p.rate, 2), num(p.expectedRate, 0), sign(p.deviation), `${p.perNumberMin}–${p.perNumberMax}`]));
  out.push('');

  out.push('### Inbound while the campaign sends, and idle', '');
  out.push(
    'Texted recipients reply (signed inbound webhooks, open loop as in the webhook section) to the number that texted them: the reply reopens the campaign\'s conversation, is classified and booked. Webhook latency in ms from each request\'s due time; reply → booking from the webhook\'s 200 to `service_titan_booking_created_at`, in ms. ' +
      `Fake OpenAI instant, fake ServiceTitan ${cs.serviceTitanLatencyMs} ms. Idle: after the campaign finished, other recipients.`,
    '',
  );
  out.push(row(['when', 'rate (req/s)', 'requests', 'errors', 'webhook p50', 'p95', 'p99', 'max', 'booked', 'reply → booking p50', 'p95', 'p99', 'max']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of cs.inbound) {
    const label =
      r.when === 'idle' ? 'idle' : `while the campaign sends (sending ${num(r.campaignSendingSeconds ?? Number.NaN, 0)} of ${num(r.seconds, 0)} s, ${num(r.campaignSendsPerSecond ?? Number.NaN)} texts/s meanwhile)`;
    out.push(row([label, r.rate, r.requests, r.errorCount, ...pcts(r.webhook), `${r.booked}/${r.acked}`, ...pcts(r.replyToBooking)]));
  }
  out.push('');

  const sized = (verdict: string) => (reduced ? `${verdict} at reduced size` : verdict);
  targets.push(
    row([
      `Campaign sends ≥ ${campaignSendsTarget}/s orchestrated, pace off (goal ≥ ${campaignSendsGoal}/s), 100,000 recipients (here ${count(cs.recipients)})`,
      `${num(t.sendsPerSecond)}/s`,
      sized(`${met(t.sendsPerSecond >= campaignSendsTarget)}, goal ${t.sendsPerSecond >= campaignSendsGoal ? 'met' : 'missed'}`),
    ]),
  );
  targets.push(
    row([
      'Exactly one message per recipient (fake Twilio per To, our database)',
      `${count(t.atFake.distinctTo)}/${count(cs.recipients)} texted, ${t.atFake.repeatedTo} twice or more; ${count(t.inDatabase.outboundMessages)} messages in our database`,
      met(t.exactlyOnce),
    ]),
  );
  targets.push(
    row([
      `Every campaign run under ${count(historyEventsLimit)} history events`,
      `max ${num(t.eventsPerRun.max, 0)}, mean ${num(t.eventsPerRun.mean, 0)} over ${t.runs} runs`,
      met(t.eventsPerRun.max < historyEventsLimit),
    ]),
  );
  const within = Math.abs(p.deviation) <= pacedTolerance;
  targets.push(
    row([
      `${p.messagesPerSecondPerNumber} message/s per number × ${p.numbers}: ${num(p.expectedRate, 0)}/s ± ${pacedTolerance * 100} % over 60 s${p.windowSeconds < 60 ? ` (here ${p.windowSeconds} s)` : ''}`,
      `${num(p.rate, 2)}/s (${sign(p.deviation)})`,
      p.windowSeconds < 60 ? `${met(within)} at reduced size` : met(within),
    ]),
  );
  const idle = cs.inbound.find((r) => r.when === 'idle');
  const during = cs.inbound.find((r) => r.when === 'during');
  if (idle && during) {
    targets.push(
      row([
        `Webhook p99 ≤ ${webhookP99TargetMs} ms while a big campaign sends (${during.rate} req/s of replies)`,
        `p99 ${ms(during.webhook.p99)} ms (idle ${ms(idle.webhook.p99)} ms), ${during.errorCount} errors`,
        met(during.webhook.p99 <= webhookP99TargetMs && during.errorCount === 0),
      ]),
    );
    targets.push(
      row([
        'Reply → booking while a big campaign sends vs idle',
        `p50 ${ms(during.replyToBooking.p50)} vs ${ms(idle.replyToBooking.p50)} ms, p99 ${ms(during.replyToBooking.p99)} vs ${ms(idle.replyToBooking.p99)} ms (${ratio(during.replyToBooking.p99, idle.replyToBooking.p99)}); ${during.booked}/${during.acked} and ${idle.booked}/${idle.acked} booked`,
        during.booked === during.acked && idle.booked === idle.acked ? 'measured (no target)' : '**missed**: replies not booked',
      ]),
    );
  }
  return out;
}

export function renderReport(r: BenchResults, analysis: string): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# Benchmarks', '');
  out.push(
    `Generated by \`npm run bench\` — every figure below comes from the run described here; the analysis section is written by hand and kept between runs.`,
    '',
  );
  out.push('## Run', '');
  out.push(`- Date: ${r.startedAt} → ${r.finishedAt} (${(r.totalSeconds / 60).toFixed(1)} min)`);
  out.push(`- Command: \`${r.command}\``);
  out.push(`- Scale: ${r.scale}${r.scale === 1 ? ' (full)' : ' (reduced — not the full sizes)'}`);
  out.push(`- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM`);
  out.push(`- Node ${m.node}; ${m.postgres}; ${m.temporal}`);
  out.push(...sectionLines(r));
  out.push(`- Everything on this one machine over 127.0.0.1: load generator, API, worker(s), fakes, PostgreSQL, Temporal.`, '');

  const targets: string[] = [];
  const w = r.webhook;
  if (w) {
    out.push('## Webhook', '');
    out.push(
      `Signed inbound webhooks (Twilio's full parameter set, HMAC-SHA1 signature) across ${w.conversations} conversations, open-loop (each request due at start + i/rate; latency from that due time, so queueing is counted), keep-alive sockets. ` +
        `Ours: the API in a child process that answers once the message is committed to the PostgreSQL outbox and signals its conversation workflow (signalWithStart) right behind the answer from a relay thread of its own, ${w.workers} worker process behind it (fake OpenAI instant, fake ServiceTitan ${w.serviceTitanLatencyMs} ms). ` +
        `The worker and the Temporal server run at ${w.backgroundNice ? `nice ${w.backgroundNice}, every thread of them` : "the API's priority"}${w.backgroundNice ? ' (background work yields to the answer path, as on separate hosts; docker-compose gives the workers half the CPU shares); the row "at the API\'s priority" is the same load without that' : ''}. ` +
        `Baseline (\`bench/baseline-inline-handler.ts\`, own child process): the original spec's inline handler — signature, contact/conversation/message writes, ServiceTitan token and booking create against the same fake at ${w.serviceTitanLatencyMs} ms — before answering. Latencies in ms.`,
      '',
    );
    out.push(row(['handler', 'rate (req/s)', 'seconds', 'requests', 'p50', 'p95', 'p99', 'max', 'errors', 'stored exactly once', 'drain after load']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:']));
    for (const o of w.ours) {
      const once = o.lost === 0 && o.duplicates === 0 ? `yes (${o.stored}/${o.ok})` : `**no**: ${o.lost} lost, ${o.duplicates} doubled`;
      out.push(row([o.variant ? `ours, ${o.variant}` : 'ours', o.rate, o.durationSeconds, o.sent, ...pcts(o.latency), o.errorCount, once, `${o.drainSeconds?.toFixed(0)} s`]));
    }
    for (const b of w.baseline) out.push(row(['inline baseline', b.rate, b.durationSeconds, b.sent, ...pcts(b.latency), b.errorCount, '–', '–']));
    out.push('');
    if (w.baseline.length) {
      out.push(row(['rate (req/s)', 'p50 baseline ÷ ours', 'p99 baseline ÷ ours']));
      out.push(row(['---:', '---:', '---:']));
      for (const o of w.ours) {
        if (o.variant) continue;
        const b = w.baseline.find((x) => x.rate === o.rate);
        if (b) out.push(row([o.rate, ratio(b.latency.p50, o.latency.p50), ratio(b.latency.p99, o.latency.p99)]));
      }
      out.push('');
    }
    const errorKinds = [...w.ours, ...w.baseline].flatMap((x) => Object.entries(x.errors).map(([k, v]) => `${k} × ${v} @${x.rate}/s`));
    if (errorKinds.length) out.push(`Errors: ${errorKinds.join('; ')}`, '');
    out.push('### Memory (RSS / V8 heap used, from process.memoryUsage() every 250 ms)', '');
    out.push(row(['rate (req/s)', 'process', 'RSS start', 'RSS peak', 'RSS end', 'heap start', 'heap peak', 'heap end']));
    out.push(row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const o of w.ours) {
      for (const [name, mem] of Object.entries(o.memory ?? {})) {
        out.push(row([o.variant ? `${o.rate} (${o.variant})` : o.rate, name, mib(mem.startRss), mib(mem.peakRss), mib(mem.endRss), mib(mem.startHeap), mib(mem.peakHeap), mib(mem.endHeap)]));
      }
    }
    out.push('', 'API: during the load at that rate. Worker: from the start of the load until every message of it was stored.', '');
    out.push('CPU per webhook (from /proc/<pid>/stat): ' + w.ours.filter((o) => !o.variant).map((o) => `@${o.rate}/s API ${o.cpuMsPerRequest?.api.toFixed(2)} ms, Temporal server ${o.cpuMsPerRequest?.temporal.toFixed(2)} ms, worker ${o.cpuMsPerRequest?.worker.toFixed(1)} ms (until drained)`).join('; ') + '.', '');
    const at100 = w.ours.find((o) => o.rate === 100 && !o.variant);
    const b100 = w.baseline.find((b) => b.rate === 100);
    if (at100) {
      targets.push(
        row([
          'Webhook p99 ≤ 25 ms at 100 req/s, no errors, nothing lost',
          `p99 ${ms(at100.latency.p99)} ms, ${at100.errorCount} errors, ${at100.lost} lost, ${at100.duplicates} doubled`,
          met(at100.latency.p99 <= 25 && at100.errorCount === 0 && at100.lost === 0 && at100.duplicates === 0),
        ]),
      );
      if (b100) {
        const speedup = b100.latency.p99 / at100.latency.p99;
        targets.push(row(['≥ 20× faster to answer than the inline baseline (p99 @100 req/s)', `${ratio(b100.latency.p99, at100.latency.p99)} (p50 ${ratio(b100.latency.p50, at100.latency.p50)})`, met(speedup >= 20)]));
      }
    }
  }

  const ov = r.overload;
  if (ov) {
    out.push('## Overload', '');
    out.push(
      `${ov.rate} new conversations a second for ${ov.durationSeconds} s (each request a new customer: a new contact, conversation and workflow), open-loop like the webhook run, against the single-machine stack exactly as \`npm start\` configures it by default (\`config/single-machine.ts\`: worker and Temporal dev server at nice ${ov.backgroundNice}, the worker's concurrency bounded to ${singleMachineWorkerLimits.WORKER_MAX_WORKFLOW_TASKS} workflow tasks and ${singleMachineWorkerLimits.WORKER_MAX_ACTIVITIES} activities), everything on this machine's ${m.cpus} cores; the bench sets no priority of its own. ` +
        `The pipeline may fall behind (it is durable); the answer to Twilio may not. Afterwards every acknowledged message must be filed exactly once and its conversation booked (fake OpenAI instant, fake ServiceTitan ${ov.serviceTitanLatencyMs} ms). Latencies in ms.`,
      '',
    );
    out.push(row(['rate (req/s)', 'seconds', 'requests', 'p50', 'p95', 'p99', 'max', 'errors', 'filed exactly once', 'booked', 'bookings unsettled', 'drain after load', 'CPU s during load (API / worker / Temporal)']));
    out.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---:', '---']));
    const once = ov.filed === ov.ok && ov.duplicates === 0 ? `yes (${ov.filed}/${ov.ok})` : `**no**: ${ov.ok - ov.filed} not filed, ${ov.duplicates} doubled`;
    out.push(row([ov.rate, ov.durationSeconds, ov.sent, ...pcts(ov.latency), ov.errorCount, once, ov.booked, ov.unsettled, `${ov.drainSeconds.toFixed(0)} s`, `${ov.cpuSeconds.api.toFixed(1)} / ${ov.cpuSeconds.worker.toFixed(1)} / ${ov.cpuSeconds.temporal.toFixed(1)}`]));
    out.push('');
    const kinds = Object.entries(ov.errors).map(([k, v]) => `${k} × ${v}`);
    if (kinds.length) out.push(`Errors: ${kinds.join('; ')}`, '');
    targets.push(
      row([
        `Overload: ${ov.rate} new conversations/s for ${ov.durationSeconds} s on npm start's default stack — no failed request, p99 ≤ 250 ms, every message processed`,
        `p99 ${ms(ov.latency.p99)} ms, ${ov.errorCount} errors, filed ${ov.filed}/${ov.ok}, ${ov.unsettled} bookings unsettled`,
        met(ov.errorCount === 0 && ov.latency.p99 <= overloadP99TargetMs && ov.filed === ov.ok && ov.unsettled === 0 && ov.duplicates === 0),
      ]),
    );
  }

  if (r.pipeline?.length) {
    out.push('## Pipeline', '');
    out.push(
      'New conversations, one inbound message each, sent at 200 req/s: time from the webhook\'s 200 to `service_titan_booking_created_at` (record → classify → file → booking: find by externalId, customer lookup, create). Throughput = booked ÷ (last booking − first 200). Latencies in ms. The pipeline runs on a stack of its own (fresh database and Temporal dev server), not on the one the webhook run filled.' +
        (r.pipeline[0]?.warmupConversations
          ? ` Each freshly started worker first books ${r.pipeline[0].warmupConversations} warm-up conversations of another tenant (not counted), so the figures are a running worker's, not a cold start's.`
          : ''),
      '',
    );
    out.push(row(['fakes', 'workers', 'conversations', 'booked', 'span (s)', 'conversations/s', 'p50', 'p95', 'p99', 'max', 'bookings at fake', 'CPU ms/conversation: workers / Temporal / API']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const p of r.pipeline) {
      const label = p.fakes === 'instant' ? 'instant' : `realistic (OpenAI ${p.openaiLatencyMs} ms, ST ${p.serviceTitanLatencyMs} ms)`;
      const c = p.cpuMsPerConversation;
      out.push(
        row([label, p.workers, p.conversations, p.booked, p.spanSeconds.toFixed(1), p.throughput.toFixed(1), ...pcts(p.latency), p.bookingsAtFake, `${c.workers.toFixed(0)} / ${c.temporal.toFixed(0)} / ${c.api.toFixed(1)}`]),
      );
    }
    out.push('');
    const instant1 = r.pipeline.find((p) => p.fakes === 'instant' && p.workers === 1);
    const bestInstant = r.pipeline.filter((p) => p.fakes === 'instant').sort((a, b) => b.throughput - a.throughput)[0];
    if (instant1) {
      targets.push(
        row([
          'Pipeline ≥ 50 conversations/s with instant fakes',
          `${instant1.throughput.toFixed(1)}/s with 1 worker${bestInstant && bestInstant !== instant1 ? `, ${bestInstant.throughput.toFixed(1)}/s with ${bestInstant.workers}` : ''}`,
          met(instant1.throughput >= 50),
        ]),
      );
    }
  }

  const inbox = r.inbox;
  if (inbox) {
    out.push('## Inbox', '');
    out.push(
      `${inbox.tenants} tenants × ${inbox.conversationsPerTenant.toLocaleString('en-US')} conversations × ${inbox.messagesPerConversation} messages = ${inbox.messageCount.toLocaleString('en-US')} messages (${inbox.messagesPerTenant.toLocaleString('en-US')} per tenant), ${(inbox.databaseBytes / 1e9).toFixed(1)} GB database ` +
        `(${inbox.reused ? `reused: generated${inbox.generatedAt ? ` at ${inbox.generatedAt}` : ''} in ${(inbox.generatedSeconds / 60).toFixed(1)} min by set-based SQL, indexes rebuilt after the load` : `generated in this run in ${(inbox.generatedSeconds / 60).toFixed(1)} min`}). ` +
        `Through the real finder (\`findConversations\`: first page of 30 plus the tab counts, the two queries in parallel, as the API runs them), ${inbox.runs} runs each with varied tenants and terms, one at a time, after a warm-up. ` +
        `Plain ILIKE: one query joining conversations, contacts and messages with ORed \`ILIKE '%term%'\` and DISTINCT (page and counts in parallel), ${inbox.naiveRuns} runs each. Latencies in ms; plans of one run each in \`${inbox.explainFile.replace(/^.*\/\.data\//, '.data/')}\`.`,
      '',
    );
    out.push(row(['query', 'p50', 'p95', 'p99', 'max', 'mean matches', 'plain ILIKE p50', 'plain ILIKE p95', 'ratio p50', 'ratio p95', 'same counts']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const q of inbox.queries) {
      out.push(
        row([
          `${q.name} — ${q.description}`,
          ...pcts(q.finder),
          q.meanMatches === null ? '–' : q.meanMatches.toFixed(0),
          q.naive ? ms(q.naive.p50) : '–',
          q.naive ? ms(q.naive.p95) : '–',
          q.naive ? ratio(q.naive.p50, q.finder.p50) : '–',
          q.naive ? ratio(q.naive.p95, q.finder.p95) : '–',
          q.sameAnswer === null ? '–' : q.sameAnswer ? 'yes' : '**no**',
        ]),
      );
    }
    out.push('');
    const searches = inbox.queries.filter((q) => q.kind === 'search');
    const lists = inbox.queries.filter((q) => q.kind === 'list');
    const worstSearch = [...searches].sort((a, b) => b.finder.p95 - a.finder.p95)[0];
    const worstList = [...lists].sort((a, b) => b.finder.p95 - a.finder.p95)[0];
    const minRatio = Math.min(...searches.map((q) => (q.naive ? q.naive.p95 / q.finder.p95 : Infinity)));
    const perTenant = inbox.messagesPerTenant;
    if (worstSearch) {
      targets.push(
        row([
          `Search p95 ≤ 60 ms at a million messages per tenant (here ${perTenant.toLocaleString('en-US')})`,
          `worst p95 ${ms(worstSearch.finder.p95)} ms (${worstSearch.name})`,
          perTenant >= 1_000_000 ? met(worstSearch.finder.p95 <= 60) : `${met(worstSearch.finder.p95 <= 60)} at reduced size`,
        ]),
      );
      targets.push(row(['Search ≥ 10× the plain ILIKE (p95)', `lowest ratio ${minRatio.toFixed(1)}×`, met(minRatio >= 10)]));
    }
    if (worstList) targets.push(row(['List p95 ≤ 30 ms', `worst p95 ${ms(worstList.finder.p95)} ms (${worstList.name})`, met(worstList.finder.p95 <= 30)]));
  }

  const contacts = r.contacts;
  if (contacts) {
    out.push('## Contacts', '');
    out.push(
      `${contacts.tenants} tenants × ${contacts.contactsPerTenant.toLocaleString('en-US')} contacts (the inbox data set's, with emails and tags added), through the real finder (\`findContacts\`, pages of 50), ${contacts.runs} runs each over varied tenants and terms after a warm-up. Latencies in ms.`,
      '',
    );
    out.push(row(['query', 'p50', 'p95', 'p99', 'max', 'mean items']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
    for (const q of contacts.queries) out.push(row([`${q.name} — ${q.description}`, ...pcts(q.summary), q.meanItems.toFixed(0)]));
    out.push('');
    const worst = [...contacts.queries].sort((a, b) => b.summary.p95 - a.summary.p95)[0];
    if (worst) {
      targets.push(
        row([
          `Contacts search p95 ≤ ${contactsTargetP95Ms} ms at 100,000 contacts per tenant (here ${contacts.contactsPerTenant.toLocaleString('en-US')})`,
          `worst p95 ${ms(worst.summary.p95)} ms (${worst.name})`,
          contacts.contactsPerTenant >= 100_000 ? met(worst.summary.p95 <= contactsTargetP95Ms) : `${met(worst.summary.p95 <= contactsTargetP95Ms)} at reduced size`,
        ]),
      );
    }
  }

  if (r.campaigns) out.push(...renderCampaigns(r.campaigns, targets));
  if (r.assistant) out.push(...renderAssistant(r.assistant, targets));

  // A section that failed has no figures: its row says so instead of silently vanishing.
  for (const f of r.failures ?? []) targets.push(row([`${f.section} section completes`, `failed: ${cell(f.error)}`, met(false)]));

  const body = out.join('\n');
  const head = ['## Targets', '', row(['target', 'measured', '']), row(['---', '---', '---']), ...targets, ''].join('\n');
  return [
    body.split('## Run')[0],
    '## Run' + (body.split('## Run')[1]?.split('\n## ')[0] ?? ''),
    '',
    head,
    '## Analysis',
    '',
    analysisStart,
    analysis,
    analysisEnd,
    '',
    '## ' + body.split('\n## ').slice(2).join('\n## '),
  ].join('\n');
}

export function writeReport(path: string, results: BenchResults): void {
  writeFileSync(path, renderReport(results, previousAnalysis(path)));
}

if (import.meta.main) {
  // Re-renders BENCHMARKS.md from the last run's .data/bench/results.json (e.g. after editing the analysis).
  const { join } = await import('node:path');
  const { projectRoot, dataDir } = await import('../config/env.ts');
  const results = normalizeResults(JSON.parse(readFileSync(join(dataDir, 'bench', 'results.json'), 'utf8')) as BenchResults);
  writeReport(join(projectRoot, 'BENCHMARKS.md'), results);
  console.log('rewrote BENCHMARKS.md from .data/bench/results.json');
}
