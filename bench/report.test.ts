// BENCHMARKS.md as a reader gets it from a results file: the campaigns and assistant sections' tables and target rows, a
// failed section shown as missed, and a --merge that keeps the earlier run's sections and header.
import { describe, expect, it } from 'vitest';
import { assistantTexts, measureRun, type AssistantResults, type AssistantRun } from './assistant.ts';
import type { CampaignsResults } from './campaigns.ts';
import { renderReport } from './report.ts';
import { mergeResults, normalizeResults, type BenchResults } from './results.ts';
import type { Summary } from './stats.ts';

const summary = (p50: number, p99: number): Summary => ({ n: 100, min: p50 / 2, p50, p95: (p50 + p99) / 2, p99, max: p99 * 1.5, mean: p50 });

const campaigns: CampaignsResults = {
  recipients: 100_000,
  fromNumbers: 20,
  twilioLatencyMs: 0,
  statusCallbacks: false,
  serviceTitanLatencyMs: 300,
  openaiLatencyMs: 0,
  workers: 1,
  campaignActivitySlots: 20,
  backgroundNice: 10,
  quietHours: { timeZone: 'America/Chicago', localTimeAtStart: '10:15', areaCodes: ['512', '214', '713'] },
  throughput: {
    audienceSeconds: 4.2,
    sendSeconds: 800,
    aloneSeconds: 380,
    aloneSends: 50_000,
    sendsPerSecond: 131.6,
    overallSendsPerSecond: 125,
    startToDoneSeconds: 806,
    counts: { queued: 0, sent: 100_000, delivered: 0, failed: 0, unknown: 0, skipped: 0, replied: 2400, optedOut: 0, waiting: 0 },
    skippedReasons: {},
    atFake: { total: 100_000, distinctTo: 100_000, repeatedTo: 0 },
    inDatabase: { outboundMessages: 100_000, contacts: 100_000 },
    exactlyOnce: true,
    workerMemory: { startRss: 200 * 2 ** 20, peakRss: 420 * 2 ** 20, endRss: 380 * 2 ** 20, startHeap: 80 * 2 ** 20, peakHeap: 190 * 2 ** 20, endHeap: 150 * 2 ** 20 },
    cpuMsPerSend: { worker: 4.1, temporal: 2.2, api: 0.1 },
    runs: 211,
    eventsPerRun: { max: 2017, mean: 1890, min: 11 },
  },
  paced: { numbers: 20, messagesPerSecondPerNumber: 1, windowSeconds: 60, sends: 1176, rate: 19.6, expectedRate: 20, deviation: -0.02, perNumberMin: 57, perNumberMax: 61 },
  inbound: [
    { when: 'idle', rate: 20, seconds: 60, requests: 1200, errorCount: 0, errors: {}, webhook: summary(3.1, 9.8), acked: 1200, booked: 1200, replyToBooking: summary(420, 800) },
    {
      when: 'during',
      rate: 20,
      seconds: 60,
      requests: 1200,
      errorCount: 0,
      errors: {},
      webhook: summary(4.5, 31.2),
      acked: 1200,
      booked: 1200,
      replyToBooking: summary(510, 1600),
      campaignSendingSeconds: 60,
      campaignSendsPerSecond: 98.5,
    },
  ],
};

const machine = { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 8, node: 'v24.0.0', postgres: 'PostgreSQL 17', temporal: 'temporal dev' };

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return normalizeResults({
    startedAt: '2026-12-02T15:00:00.000Z',
    finishedAt: '2026-12-02T16:30:00.000Z',
    totalSeconds: 5400,
    command: 'npm run bench',
    scale: 1,
    machine,
    ...overrides,
  });
}

/** The rows of the markdown table that follows `heading`, as cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const from = markdown.indexOf(heading);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(2, -2).split(/ (?<!\\)\| /));
  }
  return rows;
}

describe('the campaigns section of BENCHMARKS.md', () => {
  const md = renderReport(results({ campaigns, sections: { campaigns: { startedAt: '2026-12-02T15:00:00.000Z', finishedAt: '2026-12-02T15:20:00.000Z', seconds: 1200, command: 'npm run bench', scale: 1 } } }), 'kept analysis');

  it('shows throughput, exactly-once and history per run in one table', () => {
    const rows = tableAfter(md, '### Throughput');
    expect(rows.every((r) => r.length === 2)).toBe(true);
    const value = (measure: string) => rows.find((r) => r[0] === measure)?.[1];
    expect(value('**sends/s orchestrated**: the campaign alone, first text → the replies begin')).toBe('**131.6** (50,000 texts in 380.0 s)');
    expect(value('first → last text at the fake, the replies and their bookings included')).toBe('800.0 s = 125.0/s');
    expect(value('fake Twilio: messages / recipients / recipients texted twice or more')).toBe('100,000 / 100,000 / 0');
    expect(value('worker RSS start / peak / end')).toBe('200 MiB / 420 MiB / 380 MiB');
    expect(value('history events per run: max / mean / min')).toBe('2017 / 1890 / 11');
  });

  it('shows the paced rate with its deviation, and inbound idle beside during the campaign', () => {
    const paced = tableAfter(md, '### Default pace');
    expect(paced[0]).toHaveLength(8);
    expect(paced[2]).toEqual(['20', '1/s', '60', '1176', '19.60', '20', '−2.0 %', '57–61']);
    const inbound = tableAfter(md, '### Inbound while');
    expect(inbound.every((r) => r.length === inbound[0]?.length)).toBe(true);
    expect(inbound.map((r) => r[0]).slice(2)).toEqual(['idle', 'while the campaign sends (sending 60 of 60 s, 98.5 texts/s meanwhile)']);
    expect(inbound[3]?.[6]).toBe('31.2');
  });

  it('states how quiet hours let the recipients through and what the fake Twilio answers in', () => {
    expect(md).toContain("each contact's own time zone is America/Chicago (10:15 there");
    expect(md).toContain('Texas area codes 512, 214, 713');
    expect(md).toContain('The fake Twilio answers a send in 0 ms');
  });

  it('adds its target rows: met, goal missed, paced within 5 %, webhook p99 missed during the campaign', () => {
    const targets = tableAfter(md, '## Targets');
    const verdict = (start: string) => targets.find((r) => r[0]?.startsWith(start))?.slice(1);
    expect(verdict('Campaign sends ≥ 100/s')).toEqual(['131.6/s', '**met**, goal missed']);
    expect(verdict('Exactly one message per recipient')?.[1]).toBe('**met**');
    expect(verdict('Every campaign run under 10,000 history events')).toEqual(['max 2017, mean 1890 over 211 runs', '**met**']);
    expect(verdict('1 message/s per number × 20')).toEqual(['19.60/s (−2.0 %)', '**met**']);
    expect(verdict('Webhook p99 ≤ 25 ms while a big campaign sends')).toEqual(['p99 31.2 ms (idle 9.80 ms), 0 errors', '**missed**']);
    expect(verdict('Reply → booking while a big campaign sends')?.[1]).toBe('measured (no target)');
  });

  it('says a reduced run is reduced', () => {
    const small = renderReport(results({ scale: 0.01, campaigns: { ...campaigns, recipients: 1000, paced: { ...campaigns.paced, windowSeconds: 10 } } }), '');
    const targets = tableAfter(small, '## Targets');
    expect(targets.find((r) => r[0]?.startsWith('Campaign sends'))?.[2]).toBe('**met**, goal missed at reduced size');
    expect(targets.find((r) => r[0]?.startsWith('1 message/s'))?.[0]).toContain('(here 10 s)');
  });
});

function assistantRun(modelLatencyMs: number, overheadP50: number, overheadP99: number, overrides: Partial<AssistantRun> = {}): AssistantRun {
  const kind = (k: 'all' | 'booking' | 'question', calls: number) => ({
    kind: k,
    replied: k === 'all' ? 1200 : 600,
    total: summary(overheadP50 + calls * modelLatencyMs, overheadP99 + calls * modelLatencyMs),
    overhead: summary(overheadP50, overheadP99),
    modelCallsPerTurn: calls,
  });
  return {
    modelLatencyMs,
    rate: 20,
    durationSeconds: 60,
    sent: 1200,
    acked: 1200,
    webhookErrors: 0,
    replied: 1200,
    handedOff: 0,
    handoffReasons: {},
    duplicated: 0,
    missing: 0,
    textsAtFake: 2400,
    throughput: 19.6,
    spanSeconds: 61.2,
    byKind: [kind('all', 2.5), kind('booking', 3), kind('question', 2)],
    modelCalls: { counted: 3000, atFake: 3000 },
    traceModelCallMs: summary(modelLatencyMs + 40, modelLatencyMs + 200),
    cpuMsPerTurn: { workers: 61.4, temporal: 40.2, api: 3.25 },
    ...overrides,
  };
}

const assistant: AssistantResults = {
  workers: 1,
  warmupConversations: 100,
  serviceTitanLatencyMs: 0,
  texts: assistantTexts,
  runs: [
    assistantRun(0, 120, 640, { handedOff: 1, handoffReasons: { 'the check_availability tool failed (timeout)': 1 } }),
    assistantRun(1500, 210, 1300),
    // Below saturation: shown, but the targets are judged at the 20/s only.
    assistantRun(0, 5_000, 90_000, { rate: 4 }),
  ],
};

describe('the assistant section of BENCHMARKS.md', () => {
  const md = renderReport(results({ assistant }), '');

  it('shows total and overhead per model and kind of message, and the run figures', () => {
    const latency = tableAfter(md, '## Assistant');
    expect(latency.every((r) => r.length === 12)).toBe(true);
    expect(latency.slice(2).map((r) => `${r[0]} ${r[1]}`)).toEqual([
      '20/s, instant all',
      '20/s, instant booking (availability)',
      '20/s, instant question',
      '20/s, 1.5 s a call all',
      '20/s, 1.5 s a call booking (availability)',
      '20/s, 1.5 s a call question',
      '4/s, instant all',
      '4/s, instant booking (availability)',
      '4/s, instant question',
    ]);
    // 1.5 s model, all: total p50 = overhead 210 + 2.5 calls × 1500 ms.
    expect(latency[5]?.slice(2, 8)).toEqual(['1200', '3960', '4505', '5050', '7575', '**210**']);
    const runs = tableAfter(md, '| rate, model | sent / acknowledged');
    expect(runs[2]).toEqual(['20/s, instant', '1200 / 1200 / 0', '1200', '19.6', '61.2', '2400', 'yes (1200/1200)', '1', '3000 / 3000', '40.0 / 200', '61 / 40 / 3.3']);
    expect(md).toContain('Handed off because: the check_availability tool failed (timeout) × 1 (20/s, instant).');
    expect(md).toContain(assistantTexts.booking);
  });

  it('adds the overhead targets: p50 met with the goal missed, p99 missed by the slow model', () => {
    const targets = tableAfter(md, '## Targets');
    const verdict = (start: string) => targets.find((r) => r[0]?.startsWith(start))?.slice(1);
    expect(verdict('Assistant overhead p50 ≤ 300 ms')).toEqual(['p50 instant 120 ms, 1.5 s a call 210 ms', '**met**, goal missed']);
    expect(verdict('Assistant overhead p99 ≤ 1 s')).toEqual(['p99 instant 640 ms, 1.5 s a call 1300 ms', '**missed**']);
  });

  it('misses the targets when a conversation got no reply or one twice, however fast the rest', () => {
    const fast = renderReport(results({ assistant: { ...assistant, runs: [assistantRun(0, 50, 100, { duplicated: 1 })] } }), '');
    const targets = tableAfter(fast, '## Targets');
    expect(targets.find((r) => r[0]?.startsWith('Assistant overhead p50'))?.[2]).toBe('**missed**, goal met');
    expect(tableAfter(fast, '| rate, model | sent / acknowledged')[2]?.[6]).toBe('**no**: 0 missing, 1 doubled');
  });
});

describe('an assistant run measured from the acknowledged webhooks, the turns and the fake Twilio', () => {
  const modelStep = (ms: number) => ({ kind: 'model' as const, name: 'gpt-5-mini', ms, tokens: { prompt: 1, completion: 1 }, finishReason: 'stop', toolCalls: [] });
  const tool = { kind: 'tool' as const, name: 'check_availability', ms: 20, input: {}, output: {}, handoff: false };

  it('subtracts the model calls at the fake latency (the classifier included), counts doubled and missing replies', () => {
    const run = measureRun({
      modelLatencyMs: 1500,
      rate: 20,
      durationSeconds: 1,
      load: { sent: 4, errorCount: 0, acked: [{ from: 'a', at: 1000 }, { from: 'b', at: 1050 }, { from: 'c', at: 1100 }, { from: 'd', at: 1150 }] },
      kindOf: new Map([['a', 'booking'], ['b', 'question'], ['c', 'booking'], ['d', 'question']]),
      rows: [
        { phone: 'a', outcome: 'replied', handoffReason: null, trace: [modelStep(1560), tool, modelStep(1540)], replies: 2 },
        { phone: 'b', outcome: 'handoff', handoffReason: 'the model answered nothing', trace: [modelStep(1550)], replies: 2 },
        { phone: 'c', outcome: 'replied', handoffReason: null, trace: [modelStep(1500), tool, modelStep(1500)], replies: 2 },
        { phone: 'd', outcome: null, handoffReason: null, trace: null, replies: 0 },
      ],
      byTo: { a: { count: 2, lastAt: 1000 + 4700 }, b: { count: 3, lastAt: 1050 + 3200 }, c: { count: 1, lastAt: 9000 } },
    });
    expect(run).toMatchObject({ replied: 2, duplicated: 1, missing: 2, handedOff: 1, handoffReasons: { 'the model answered nothing': 1 }, textsAtFake: 6, modelCalls: { counted: 5 } });
    const [all, booking, question] = run.byKind;
    expect(all?.overhead).toMatchObject({ n: 2, min: 200, max: 200 });
    expect(booking?.total.p50).toBe(4700);
    expect(question?.overhead.p50).toBe(200);
    expect(run.spanSeconds).toBeCloseTo(4.7);
    expect(run.traceModelCallMs.n).toBe(3);
  });
});

describe('a failed section and --merge', () => {
  it('shows a failed section as a missed target and in the run description', () => {
    const md = renderReport(results({ failures: [{ section: 'campaigns', error: 'campaigns: timed out | waiting\nfor the campaign', at: '2026-12-02T15:10:00.000Z' }] }), '');
    const targets = tableAfter(md, '## Targets');
    expect(targets.find((r) => r[0] === 'campaigns section completes')).toEqual(['campaigns section completes', 'failed: campaigns: timed out \\| waiting for the campaign', '**missed**']);
    expect(md).toContain('- **Failed: campaigns** at 2026-12-02T15:10:00.000Z');
    expect(md).not.toContain('## Campaigns');
  });

  it('overlays only the sections run now, keeping the earlier header, figures and failures of the others', () => {
    // A file from before sections were timed: no `sections`, `failures` or `campaigns`.
    const { campaigns: _none, sections: _s, failures: _f, ...legacy } = results({
      webhook: { conversations: 1000, ours: [], baseline: [], serviceTitanLatencyMs: 300, openaiLatencyMs: 0, workers: 1, backgroundNice: 10 },
    });
    const previous = normalizeResults({ ...legacy, failures: [{ section: 'inbox', error: 'disk full', at: '2026-12-02T16:00:00.000Z' }, { section: 'campaigns', error: 'old failure', at: '2026-12-02T16:10:00.000Z' }] });
    const now = results({
      startedAt: '2026-12-02T17:00:00.000Z',
      finishedAt: '2026-12-02T17:20:00.000Z',
      command: 'npm run bench -- --only=campaigns --merge',
      campaigns,
      sections: { campaigns: { startedAt: '2026-12-02T17:00:05.000Z', finishedAt: '2026-12-02T17:19:55.000Z', seconds: 1190, command: 'npm run bench -- --only=campaigns --merge', scale: 1 } },
    });
    const merged = mergeResults(previous, now, ['campaigns']);
    expect(merged.startedAt).toBe('2026-12-02T15:00:00.000Z');
    expect(merged.command).toBe('npm run bench');
    expect(merged.webhook?.conversations).toBe(1000);
    expect(merged.campaigns?.recipients).toBe(100_000);
    expect(merged.failures).toEqual([{ section: 'inbox', error: 'disk full', at: '2026-12-02T16:00:00.000Z' }]);
    const md = renderReport(merged, '');
    expect(md).toContain('- Date: 2026-12-02T15:00:00.000Z → 2026-12-02T16:30:00.000Z');
    expect(md).toContain('campaigns 2026-12-02T17:00:05.000Z → 2026-12-02T17:19:55.000Z (19.8 min, merged in from `npm run bench -- --only=campaigns --merge`)');
    expect(md).toContain('## Webhook');
    expect(md).toContain('## Campaigns');
  });

  it('a section that fails in the merged run loses its old figures rather than passing them off as new', () => {
    const previous = results({ campaigns });
    const now = results({ failures: [{ section: 'campaigns', error: 'boom', at: '2026-12-02T17:05:00.000Z' }] });
    const merged = mergeResults(previous, now, ['campaigns']);
    expect(merged.campaigns).toBeNull();
    expect(merged.failures?.map((f) => f.error)).toEqual(['boom']);
  });
});
