// Campaigns benchmark (issue 14): one big campaign through the real API, Temporal (the campaign workflow on
// its own task queue), one worker process and the real twilio SDK against the fake Twilio.
// - Throughput: N recipients (contacts with marketing consent, bulk-inserted) over 20 from-numbers with the
//   per-number pace off (messagesPerSecond 0): sends/s at the fake, exactly one message per recipient (the
//   fake's count per To and our database), the worker's memory and CPU, and the history events of every run.
// - Pace: 20 numbers at the default 1 message/s each: the rate the fake receives over a 60-s window.
// - Inbound while the big campaign sends vs idle: texted recipients reply (signed webhooks, open loop) to
//   the number that texted them; the webhook's answer time and reply → booking (webhook answer →
//   service_titan_booking_created_at), side by side.
// Quiet hours must let every recipient through: each gets a time zone where it is daytime when the run
// starts (the checks use the contact's zone first) and a Texas number (no state cap).
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { ApiClient } from '../api/conversations/api-test-client.ts';
import type { CampaignView } from '../contract/campaigns.ts';
import { dataConverter } from '../temporal/data-converter.ts';
import { createPhoneNumber, createUser } from '../test/support/factories.ts';
import { campaignActivitySlots } from '../worker.ts';
import { campaignWorkflowId } from '../workflows/campaign-definitions.ts';
import type { BenchConfig } from './config.ts';
import type { TwilioSendStats } from './fakes-host.ts';
import { firstNames, lastNames } from './inbox-data.ts';
import { customerNumbers, planWebhooks, runOpenLoop, type PlannedRequest } from './load.ts';
import { cpuSeconds, setProcessPriority, type BenchChild } from './processes.ts';
import type { BenchTenant, Stack } from './stack.ts';
import { sleep, summarize, type Summary } from './stats.ts';
import { memoryWindow, type MemoryWindow } from './webhook.ts';

export const campaignSendsTarget = 100;
export const campaignSendsGoal = 200;
export const pacedTolerance = 0.05;
export const historyEventsLimit = 10_000;
/** The webhook section's target, held here while a big campaign sends. */
export const webhookP99TargetMs = 25;

export interface CampaignInboundRun {
  /** `idle`: after the big campaign finished; `during`: while it was sending. */
  when: 'idle' | 'during';
  rate: number;
  seconds: number;
  requests: number;
  errorCount: number;
  errors: Record<string, number>;
  webhook: Summary;
  acked: number;
  booked: number;
  /** Webhook answer → the conversation's service_titan_booking_created_at. */
  replyToBooking: Summary;
  /** `during`: seconds of the load window in which the campaign was sending, and its sends/s meanwhile. */
  campaignSendingSeconds?: number;
  campaignSendsPerSecond?: number;
}

export interface CampaignsResults {
  recipients: number;
  fromNumbers: number;
  twilioLatencyMs: number;
  /** The fake's status callbacks (sent, delivered) were not posted to the API. */
  statusCallbacks: boolean;
  serviceTitanLatencyMs: number;
  openaiLatencyMs: number;
  workers: number;
  /** Campaign sends one worker runs at a time (worker.ts). */
  campaignActivitySlots: number;
  backgroundNice: number;
  /** How quiet hours let every recipient through. */
  quietHours: { timeZone: string; localTimeAtStart: string; areaCodes: string[] };
  throughput: {
    /** API start → the fake's first message (freezing the audience, first page). */
    audienceSeconds: number;
    /** The fake's first → last message. */
    sendSeconds: number;
    /** The campaign alone: texts at the fake from its first until the replies begin (half the recipients). */
    aloneSeconds: number;
    aloneSends: number;
    sendsPerSecond: number;
    /** First → last text, the replies and their bookings included. */
    overallSendsPerSecond: number;
    startToDoneSeconds: number;
    counts: CampaignView['counts'];
    skippedReasons: Record<string, number>;
    atFake: { total: number; distinctTo: number; repeatedTo: number };
    inDatabase: { outboundMessages: number; contacts: number };
    exactlyOnce: boolean;
    workerMemory: MemoryWindow | null;
    /** Over the campaign alone (the same window as sendsPerSecond). */
    cpuMsPerSend: { worker: number; temporal: number; api: number };
    runs: number;
    eventsPerRun: { max: number; mean: number; min: number };
  };
  paced: {
    numbers: number;
    messagesPerSecondPerNumber: number;
    windowSeconds: number;
    sends: number;
    rate: number;
    expectedRate: number;
    /** (rate − expected) ÷ expected */
    deviation: number;
    perNumberMin: number;
    perNumberMax: number;
  };
  inbound: CampaignInboundRun[];
}

const campaignBody = 'Hi {firstName|there}, {business} here: 15% off a furnace tune-up booked this week.';
/** Austin, Dallas, Houston: Texas has no stricter state rule (Florida, Oklahoma and Maryland do). */
const areaCodes = ['512', '214', '713'];

/** A zone where it is 09:00–16:59 now: 08:00–21:00 stays open for the next four hours at least. */
function daytimeZone(): { timeZone: string; localTimeAtStart: string } {
  const zones = ['America/Chicago', 'America/New_York', 'America/Denver', 'America/Los_Angeles', 'Pacific/Honolulu', 'Pacific/Auckland', 'Asia/Tokyo', 'Asia/Kolkata', 'Europe/Berlin', 'Pacific/Kiritimati'];
  for (const timeZone of zones) {
    const local = DateTime.now().setZone(timeZone);
    if (local.hour >= 9 && local.hour < 17) return { timeZone, localTimeAtStart: local.toFormat('HH:mm') };
  }
  throw new Error('campaigns: no daytime zone found');
}

async function waitUntil<T>(what: string, timeoutMs: number, everyMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`campaigns: timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `count` contacts with marketing consent, tagged, in `timeZone`, on distinct Texas numbers (set-based SQL). */
async function insertRecipients(stack: Stack, tenantId: string, tag: string, count: number, timeZone: string): Promise<void> {
  // i → area code i % 3, exchange 200 + (i / 3) % 300, line i / 900: distinct up to 9 million, spread over 900
  // NPA-NXX prefixes (the phone-location cache is per prefix, as a real list's would be).
  await stack.db.sequelize.query(
    `INSERT INTO contacts (id, tenant_id, phone, first_name, last_name, tags, marketing_consent, marketing_consent_source,
                           marketing_consent_at, time_zone, created_at, updated_at)
     SELECT gen_random_uuid(), $tenantId,
            '+1' || ($areaCodes::text[])[1 + i % 3] || (200 + (i / 3) % 300)::text || lpad((i / 900)::text, 4, '0'),
            CASE WHEN i % 10 < 9 THEN ($firstNames::text[])[1 + i % cardinality($firstNames::text[])] END,
            ($lastNames::text[])[1 + (i / 7) % cardinality($lastNames::text[])],
            ARRAY[$tag::text], 'granted', 'import', now(), $timeZone, now(), now()
       FROM generate_series(0, $count - 1) i`,
    { bind: { tenantId, areaCodes, firstNames, lastNames, tag, timeZone, count } },
  );
  // Consent on record, as an import writes it (the checks read the contact's own column).
  await stack.db.sequelize.query(
    `INSERT INTO contact_consent_events (id, tenant_id, contact_id, status, source, evidence, created_at)
     SELECT gen_random_uuid(), tenant_id, id, 'granted', 'import', 'bench list: opted in at checkout', now()
       FROM contacts WHERE tenant_id = $tenantId AND tags && ARRAY[$tag::text]`,
    { bind: { tenantId, tag } },
  );
  await stack.db.sequelize.query('ANALYZE contacts');
}

interface CampaignTenant {
  tenant: BenchTenant;
  numberIds: string[];
  admin: ApiClient;
}

async function campaignTenant(stack: Stack, label: string, numbers: number): Promise<CampaignTenant> {
  const tenant = await stack.createTenant(label);
  await stack.addTwilioAccount(tenant);
  const first = await stack.db.models.PhoneNumber.findOne({ where: { tenantId: tenant.id, phone: tenant.ourNumber }, rejectOnEmpty: true });
  const numberIds = [first.id];
  for (let i = 1; i < numbers; i++) numberIds.push((await createPhoneNumber(stack.db, { tenantId: tenant.id })).id);
  const { user, password } = await createUser(stack.db, { tenantId: tenant.id, role: 'admin' });
  const admin = new ApiClient(stack.apiUrl);
  await admin.login(user.email, password);
  return { tenant, numberIds, admin };
}

async function api<T>(call: Promise<{ status: number; body: unknown }>, expected: number, what: string): Promise<T> {
  const res = await call;
  if (res.status !== expected) throw new Error(`campaigns: ${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body as T;
}

async function createAndStart(t: CampaignTenant, name: string, tag: string, extra: Record<string, unknown>): Promise<CampaignView> {
  const { campaign } = await api<{ campaign: CampaignView }>(
    t.admin.post('/api/campaigns', { name, body: campaignBody, fromNumberIds: t.numberIds, audience: { tags: [tag] }, ...extra }),
    201,
    'create campaign',
  );
  await api(t.admin.post(`/api/campaigns/${campaign.id}/start`), 200, 'start campaign');
  return campaign;
}

async function campaignStatus(stack: Stack, id: string): Promise<string> {
  const [row] = await stack.db.sequelize.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $id', { type: QueryTypes.SELECT, bind: { id } });
  return row?.status ?? 'missing';
}

/** Recipients texted so far, counted up to `atLeast` (a bounded scan while the campaign runs). */
async function sentAtLeast(stack: Stack, campaignId: string, atLeast: number): Promise<number> {
  const [row] = await stack.db.sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM campaign_recipients WHERE campaign_id = $campaignId AND state = 'sent' LIMIT $atLeast) s`,
    { type: QueryTypes.SELECT, bind: { campaignId, atLeast } },
  );
  return row?.n ?? 0;
}

interface Replier {
  customer: string;
  number: string;
}

async function texted(stack: Stack, campaignId: string, count: number, exclude: readonly string[]): Promise<Replier[]> {
  return stack.db.sequelize.query<Replier>(
    `SELECT ct.phone AS customer, pn.phone AS number
       FROM campaign_recipients r JOIN contacts ct ON ct.id = r.contact_id JOIN phone_numbers pn ON pn.id = r.phone_number_id
      WHERE r.campaign_id = $campaignId AND r.state = 'sent' AND NOT (ct.phone = ANY($exclude::text[]))
      LIMIT $count`,
    { type: QueryTypes.SELECT, bind: { campaignId, count, exclude: [...exclude] } },
  );
}

/** Each recipient replies to the number that texted them; the numbers' requests interleaved. */
function planReplies(stack: Stack, tenant: BenchTenant, repliers: readonly Replier[]): PlannedRequest[] {
  const byNumber = new Map<string, string[]>();
  for (const r of repliers) byNumber.set(r.number, [...(byNumber.get(r.number) ?? []), r.customer]);
  const groups = [...byNumber].map(([number, customers]) => planWebhooks({ ...tenant, ourNumber: number }, stack.env.PUBLIC_BASE_URL, customers, customers.length, 0));
  const out: PlannedRequest[] = [];
  for (let i = 0; out.length < repliers.length; i++) for (const g of groups) if (g[i]) out.push(g[i] as PlannedRequest);
  return out;
}

/** Webhook answer → booking per customer, once every acknowledged reply is booked or the deadline passes. */
async function replyBookings(stack: Stack, tenantId: string, acked: ReadonlyArray<{ from: string; at: number }>, timeoutMs: number): Promise<{ booked: number; latencies: number[] }> {
  const phones = acked.map((a) => a.from);
  const rows = async () =>
    stack.db.sequelize.query<{ phone: string; at: Date }>(
      `SELECT ct.phone, cv.service_titan_booking_created_at AS at FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id
        WHERE cv.tenant_id = $tenantId AND ct.phone = ANY($phones::text[]) AND cv.service_titan_booking_created_at IS NOT NULL`,
      { type: QueryTypes.SELECT, bind: { tenantId, phones } },
    );
  const deadline = Date.now() + timeoutMs;
  let found = await rows();
  while (found.length < phones.length && Date.now() < deadline) {
    await sleep(500);
    found = await rows();
  }
  const ackAt = new Map(acked.map((a) => [a.from, a.at]));
  const latencies = found.flatMap((r) => {
    const at = ackAt.get(r.phone);
    return at === undefined ? [] : [new Date(r.at).getTime() - at];
  });
  return { booked: found.length, latencies };
}

async function historyPerRun(stack: Stack, workflowId: string): Promise<number[]> {
  const connection = await Connection.connect({ address: stack.temporal.address });
  try {
    const client = new Client({ connection, namespace: stack.env.TEMPORAL_NAMESPACE, dataConverter: dataConverter(stack.env) });
    await client.workflow.getHandle(workflowId).result();
    const lengths: number[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      lengths.push((await client.workflow.getHandle(workflowId, run.runId).describe()).historyLength);
    }
    return lengths;
  } finally {
    await connection.close();
  }
}

async function waitForWorkflow(stack: Stack, workflowId: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address: stack.temporal.address });
  try {
    const client = new Client({ connection, namespace: stack.env.TEMPORAL_NAMESPACE, dataConverter: dataConverter(stack.env) });
    await Promise.race([
      client.workflow.getHandle(workflowId).result(),
      sleep(timeoutMs).then(() => {
        throw new Error(`campaigns: ${workflowId} did not end within ${timeoutMs / 1000} s`);
      }),
    ]);
  } finally {
    await connection.close();
  }
}

function setBackgroundPriority(stack: Stack, worker: BenchChild, nice: number): void {
  for (const pid of [worker.pid, stack.temporal.process.pid ?? -1]) if (pid > 0) setProcessPriority(pid, nice);
}

export async function runCampaignsBenchmark(stack: Stack, cfg: BenchConfig, log: (line: string) => void): Promise<CampaignsResults> {
  const c = cfg.campaigns;
  await stack.setLatency(0, c.serviceTitanLatencyMs);
  await stack.setTwilio({ latencyMs: c.twilioLatencyMs, statusCallbacks: false });
  const zone = daytimeZone();
  const replyCount = Math.min(Math.round(c.replyRate * c.replySeconds), Math.floor(c.recipients / 3));

  const big = await campaignTenant(stack, 'campaigns', c.fromNumbers);
  const t = Date.now();
  await insertRecipients(stack, big.tenant.id, 'spring-promo', c.recipients, zone.timeZone);
  log(`campaigns: ${c.recipients} recipients inserted in ${((Date.now() - t) / 1000).toFixed(1)} s (time zone ${zone.timeZone}, ${zone.localTimeAtStart} there)`);

  const [worker] = await stack.startWorkers(1);
  if (!worker) throw new Error('no worker');
  try {
    setBackgroundPriority(stack, worker, c.backgroundNice);
    // Warm-up (not reported): the fresh worker's conversation path on new conversations of another tenant.
    if (c.warmupReplies > 0) {
      const warm = await stack.createTenant('campaigns-warmup');
      const load = await runOpenLoop({
        baseUrl: stack.apiUrl,
        rate: c.replyRate,
        requests: planWebhooks(warm, stack.env.PUBLIC_BASE_URL, customerNumbers(c.warmupReplies, 414), c.warmupReplies, 0),
      });
      const { booked } = await replyBookings(stack, warm.id, load.acked, 120_000);
      log(`campaigns: warm-up ${booked}/${load.acked.length} booked`);
    }

    // The big campaign, pace off.
    const cpu = () => ({ worker: cpuSeconds(worker.pid), temporal: cpuSeconds(stack.temporal.process.pid), api: cpuSeconds(stack.api.pid) });
    const cpu0 = cpu();
    const startedAt = Date.now();
    const campaign = await createAndStart(big, 'Bench spring promo', 'spring-promo', { messagesPerSecond: 0 });
    const timeoutMs = c.timeoutSeconds * 1000;
    // The first half of the recipients is the campaign alone (its throughput and CPU); the replies then
    // come while the second half sends.
    const replyAfter = Math.max(replyCount, Math.floor(c.recipients / 2));
    await waitUntil(`${replyAfter} recipients texted`, timeoutMs, 500, async () => (await sentAtLeast(stack, campaign.id, replyAfter)) >= replyAfter);
    const cpuAlone = cpu();

    // Replies while it sends.
    const duringRepliers = await texted(stack, campaign.id, replyCount, []);
    const duringFrom = Date.now();
    const duringLoad = await runOpenLoop({ baseUrl: stack.apiUrl, rate: c.replyRate, requests: planReplies(stack, big.tenant, duringRepliers) });
    const duringTo = Date.now();
    log(`campaigns: ${duringLoad.ok}/${duringLoad.sent} replies answered while the campaign sends`);

    await waitUntil('the campaign to finish', timeoutMs, 1_000, async () => (await campaignStatus(stack, campaign.id)) === 'done');
    const doneAt = Date.now();
    const atFake = await stack.twilioSends(big.tenant.accountSid, { fromMs: duringFrom, toMs: duringTo });
    const beforeReplies = await stack.twilioSends(big.tenant.accountSid, { fromMs: 0, toMs: duringFrom });
    const firstAt = atFake.firstAt ?? startedAt;
    const lastAt = atFake.lastAt ?? doneAt;
    const sendSeconds = (lastAt - firstAt) / 1000;
    const view = (await api<{ campaign: CampaignView }>(big.admin.get(`/api/campaigns/${campaign.id}`), 200, 'get campaign')).campaign;
    const [db] = await stack.db.sequelize.query<{ messages: number; contacts: number }>(
      `SELECT count(*)::int AS messages, count(DISTINCT cv.contact_id)::int AS contacts
         FROM messages m JOIN conversations cv ON cv.id = m.conversation_id WHERE m.tenant_id = $tenantId AND m.direction = 'outbound'`,
      { type: QueryTypes.SELECT, bind: { tenantId: big.tenant.id } },
    );
    const inDatabase = { outboundMessages: db?.messages ?? 0, contacts: db?.contacts ?? 0 };
    const n = c.recipients;
    const exactlyOnce =
      atFake.total === n && atFake.distinctTo === n && atFake.repeatedTo === 0 && inDatabase.outboundMessages === n && inDatabase.contacts === n && view.counts.sent === n;
    const aloneSends = beforeReplies.window?.count ?? 0;
    const aloneSeconds = (duringFrom - firstAt) / 1000;
    const lengths = await historyPerRun(stack, campaignWorkflowId(big.tenant.id, campaign.id));
    const throughput: CampaignsResults['throughput'] = {
      audienceSeconds: (firstAt - startedAt) / 1000,
      sendSeconds,
      aloneSeconds,
      aloneSends,
      sendsPerSecond: aloneSeconds > 0 ? aloneSends / aloneSeconds : Number.NaN,
      overallSendsPerSecond: sendSeconds > 0 ? atFake.total / sendSeconds : Number.NaN,
      startToDoneSeconds: (doneAt - startedAt) / 1000,
      counts: view.counts,
      skippedReasons: view.skippedReasons,
      atFake: { total: atFake.total, distinctTo: atFake.distinctTo, repeatedTo: atFake.repeatedTo },
      inDatabase,
      exactlyOnce,
      workerMemory: memoryWindow(worker.memory, startedAt, doneAt) ?? null,
      cpuMsPerSend: {
        worker: ((cpuAlone.worker - cpu0.worker) * 1000) / Math.max(1, aloneSends),
        temporal: ((cpuAlone.temporal - cpu0.temporal) * 1000) / Math.max(1, aloneSends),
        api: ((cpuAlone.api - cpu0.api) * 1000) / Math.max(1, aloneSends),
      },
      runs: lengths.length,
      eventsPerRun: {
        max: lengths.length ? Math.max(...lengths) : Number.NaN,
        mean: lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : Number.NaN,
        min: lengths.length ? Math.min(...lengths) : Number.NaN,
      },
    };
    log(
      `campaigns: alone ${aloneSends} in ${aloneSeconds.toFixed(1)} s = ${throughput.sendsPerSecond.toFixed(1)}/s; ${atFake.total} sent in ${sendSeconds.toFixed(1)} s = ${throughput.overallSendsPerSecond.toFixed(1)}/s with the replies (audience ${throughput.audienceSeconds.toFixed(1)} s); ` +
        `CPU ms per text alone: worker ${throughput.cpuMsPerSend.worker.toFixed(2)}, Temporal ${throughput.cpuMsPerSend.temporal.toFixed(2)}, API ${throughput.cpuMsPerSend.api.toFixed(2)}; ` +
        `exactly once: ${exactlyOnce} (fake ${atFake.distinctTo} recipients, ${atFake.repeatedTo} repeated; db ${inDatabase.outboundMessages} messages to ${inDatabase.contacts}); ` +
        `counts ${JSON.stringify(view.counts)}; worker RSS peak ${((throughput.workerMemory?.peakRss ?? 0) / 2 ** 20).toFixed(0)} MiB; ` +
        `${lengths.length} runs, events max ${throughput.eventsPerRun.max} mean ${throughput.eventsPerRun.mean.toFixed(0)}`,
    );

    const during = await replyBookings(stack, big.tenant.id, duringLoad.acked, 300_000);
    const overlap = Math.max(0, Math.min(duringTo, lastAt) - Math.max(duringFrom, firstAt)) / 1000;
    const inbound: CampaignInboundRun[] = [
      {
        when: 'during',
        rate: c.replyRate,
        seconds: duringLoad.durationSeconds,
        requests: duringLoad.sent,
        errorCount: duringLoad.errorCount,
        errors: duringLoad.errors,
        webhook: summarize(duringLoad.latencies),
        acked: duringLoad.acked.length,
        booked: during.booked,
        replyToBooking: summarize(during.latencies),
        campaignSendingSeconds: overlap,
        campaignSendsPerSecond: atFake.window ? atFake.window.count / Math.max(0.001, (duringTo - duringFrom) / 1000) : Number.NaN,
      },
    ];

    // The same replies with no campaign running (other recipients: each conversation's first reply).
    const idleRepliers = await texted(stack, campaign.id, replyCount, duringRepliers.map((r) => r.customer));
    const idleLoad = await runOpenLoop({ baseUrl: stack.apiUrl, rate: c.replyRate, requests: planReplies(stack, big.tenant, idleRepliers) });
    const idle = await replyBookings(stack, big.tenant.id, idleLoad.acked, 300_000);
    inbound.unshift({
      when: 'idle',
      rate: c.replyRate,
      seconds: idleLoad.durationSeconds,
      requests: idleLoad.sent,
      errorCount: idleLoad.errorCount,
      errors: idleLoad.errors,
      webhook: summarize(idleLoad.latencies),
      acked: idleLoad.acked.length,
      booked: idle.booked,
      replyToBooking: summarize(idle.latencies),
    });
    for (const r of inbound) {
      log(
        `campaigns: replies ${r.when}: webhook p50 ${r.webhook.p50.toFixed(1)} p99 ${r.webhook.p99.toFixed(1)} ms, ${r.errorCount} errors; ` +
          `reply→booking ${r.booked}/${r.acked} p50 ${r.replyToBooking.p50.toFixed(0)} p99 ${r.replyToBooking.p99.toFixed(0)} ms` +
          (r.when === 'during' ? `; campaign sending ${r.campaignSendingSeconds?.toFixed(1)} s of it at ${r.campaignSendsPerSecond?.toFixed(1)}/s` : ''),
      );
    }

    // The default pace, 1 message/s per number, measured at the fake once every number has begun.
    const paced = await campaignTenant(stack, 'campaigns-paced', c.fromNumbers);
    const pacedRecipients = Math.ceil(c.fromNumbers * (c.pacedSeconds + c.pacedWarmupSeconds + 30));
    await insertRecipients(stack, paced.tenant.id, 'paced', pacedRecipients, zone.timeZone);
    const pacedCampaign = await createAndStart(paced, 'Bench paced', 'paced', {});
    const perNumber = (await api<{ campaign: CampaignView }>(paced.admin.get(`/api/campaigns/${pacedCampaign.id}`), 200, 'get campaign')).campaign.messagesPerSecond;
    const first = await waitUntil('the paced campaign’s first text', timeoutMs, 250, async () => (await stack.twilioSends(paced.tenant.accountSid)).firstAt);
    const window = { fromMs: first + c.pacedWarmupSeconds * 1000, toMs: first + (c.pacedWarmupSeconds + c.pacedSeconds) * 1000 };
    // A measurement window, not a condition: wait it out (plus a moment for the last request in flight).
    await sleep(Math.max(0, window.toMs + 1_000 - Date.now()));
    const pacedStats: TwilioSendStats = await stack.twilioSends(paced.tenant.accountSid, window);
    const stillSending = (await campaignStatus(stack, pacedCampaign.id)) === 'sending';
    await api(paced.admin.post(`/api/campaigns/${pacedCampaign.id}/cancel`), 200, 'cancel campaign');
    await waitForWorkflow(stack, campaignWorkflowId(paced.tenant.id, pacedCampaign.id), 120_000);
    if (!stillSending) throw new Error('campaigns: the paced campaign ran out of recipients before its window ended');
    const counts = Object.values(pacedStats.window?.perFrom ?? {});
    const sends = pacedStats.window?.count ?? 0;
    const expectedRate = c.fromNumbers * perNumber;
    const rate = sends / c.pacedSeconds;
    const pacedResult: CampaignsResults['paced'] = {
      numbers: c.fromNumbers,
      messagesPerSecondPerNumber: perNumber,
      windowSeconds: c.pacedSeconds,
      sends,
      rate,
      expectedRate,
      deviation: (rate - expectedRate) / expectedRate,
      perNumberMin: counts.length === c.fromNumbers ? Math.min(...counts) : 0,
      perNumberMax: counts.length ? Math.max(...counts) : 0,
    };
    log(
      `campaigns: paced ${c.fromNumbers} numbers × ${perNumber}/s: ${sends} in ${c.pacedSeconds} s = ${rate.toFixed(2)}/s (${(pacedResult.deviation * 100).toFixed(1)} %), ` +
        `per number ${pacedResult.perNumberMin}–${pacedResult.perNumberMax}`,
    );

    return {
      recipients: c.recipients,
      fromNumbers: c.fromNumbers,
      twilioLatencyMs: c.twilioLatencyMs,
      statusCallbacks: false,
      serviceTitanLatencyMs: c.serviceTitanLatencyMs,
      openaiLatencyMs: 0,
      workers: 1,
      campaignActivitySlots,
      backgroundNice: c.backgroundNice,
      quietHours: { ...zone, areaCodes },
      throughput,
      paced: pacedResult,
      inbound,
    };
  } finally {
    await worker.stop();
  }
}
