// The Temporal server is stopped for 30 s (ci 8 s) in the middle of a burst of 100 messages from 50
// customers. Every message is answered 200 (the outbox keeps what Temporal could not take), and when
// Temporal is back every acknowledged message is recorded once, in order, and classified; the outbox
// ends empty. (test/pipeline/temporal-outage.test.ts covers one message and a re-delivery.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startRestartableTemporal, type RestartableTemporal } from '../support/restartable-temporal.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { inBatches, keepApiResponses, logSummary, percentile, recordFigures, scale, pipelineSecrets, scanForSecrets, sleep } from './support.ts';

const size = scale.temporalOutage;
let temporal: RestartableTemporal;
let p: Pipeline;

beforeAll(async () => {
  temporal = await startRestartableTemporal('reliability-temporal');
  p = await startPipeline({ temporalAddress: temporal.address, lazyTemporal: true });
  keepApiResponses(p.baseUrl);
});
afterAll(async () => {
  await p?.close();
  await temporal?.dispose();
});

describe('Temporal stops during a burst', () => {
  it(`processes all ${size.messages} acknowledged messages once Temporal is back`, { timeout: 300_000 }, async () => {
    const { models } = p.test.db;
    const customers = Array.from({ length: size.customers }, () => uniquePhone());
    const perCustomer = Math.ceil(size.messages / size.customers);
    // Round-robin, so each customer's messages are spread over the burst and the outage.
    const messages = Array.from({ length: size.messages }, (_, i) => ({
      from: customers[i % customers.length]!,
      n: Math.floor(i / customers.length) + 1,
      sid: twilioMessageSid(),
    })).map((m) => ({ ...m, body: `Message ${m.n} of ${perCustomer}: the AC is not cooling, please send a tech (${m.from})` }));

    const beforeOutage = Math.floor(size.messages / 5);
    const interval = size.outageMs / (size.messages - beforeOutage);
    const latencies: number[] = [];
    const statuses: number[] = [];
    const send = async (m: (typeof messages)[number]) => {
      const t0 = Date.now();
      const res = await p.sendInbound({ from: m.from, body: m.body, messageSid: m.sid });
      latencies.push(Date.now() - t0);
      statuses.push(res.status);
      await res.text();
    };
    // A customer's messages go one after another, so their order at the webhook is known.
    for (const m of messages.slice(0, beforeOutage)) await send(m);
    await temporal.stop();
    const stoppedAt = Date.now();
    const during = messages.slice(beforeOutage);
    await inBatches(during, 4, async (m, i) => {
      await sleep(Math.max(0, stoppedAt + i * interval - Date.now()));
      await send(m);
    });
    const waiting = await models.Message.count({ where: { relayPending: true } });
    await sleep(Math.max(0, stoppedAt + size.outageMs - Date.now()));
    await temporal.start();
    const outageMs = Date.now() - stoppedAt;
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(waiting).toBeGreaterThan(0);

    const recovered = Date.now();
    await waitFor(
      async () => {
        const undelivered = await models.Message.count({ where: { relayPending: true } });
        const stored = await models.Message.count({ where: { tenantId: p.tenant.id, direction: 'inbound' } });
        return undelivered === 0 && stored === size.messages;
      },
      { timeoutMs: 150_000, intervalMs: 250, what: 'every message recorded after the outage' },
    );
    const drainedMs = Date.now() - recovered;
    const conversations = await waitFor(
      async () => {
        const contacts = await models.Contact.findAll({ where: { tenantId: p.tenant.id, phone: customers } });
        const rows = await models.Conversation.findAll({ where: { contactId: contacts.map((c) => c.id) } });
        return rows.length === customers.length && rows.every((c) => c.classificationSource === 'ai' && c.serviceTitanBookingId) ? rows : null;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'every conversation classified and booked' },
    );
    const settledMs = Date.now() - recovered;

    // Each SID once, in its customer's conversation, in the order the customer sent them.
    const stored = await models.Message.findAll({ where: { tenantId: p.tenant.id, direction: 'inbound' }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
    expect(new Set(stored.map((m) => m.twilioSid)).size).toBe(size.messages);
    expect(new Set(stored.map((m) => m.twilioSid))).toEqual(new Set(messages.map((m) => m.sid)));
    const contacts = await models.Contact.findAll({ where: { tenantId: p.tenant.id } });
    const phoneOfConversation = new Map(
      conversations.map((c) => [c.id, contacts.find((k) => k.id === c.contactId)?.phone]),
    );
    for (const customer of customers) {
      const sent = messages.filter((m) => m.from === customer).map((m) => m.sid);
      const got = stored.filter((m) => phoneOfConversation.get(m.conversationId) === customer).map((m) => m.twilioSid);
      expect(got, customer).toEqual(sent);
    }
    const bookings = p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId);
    expect(bookings).toHaveLength(customers.length);

    const scan = scanForSecrets(pipelineSecrets(p));
    recordFigures('temporal-burst', {
      messages: size.messages,
      customers: size.customers,
      sentBeforeOutage: beforeOutage,
      outageMs,
      webhookAnswers: Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])),
      webhookLatencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      waitingInOutboxAtRestart: waiting,
      drainedAfterRestartMs: drainedMs,
      classifiedAndBookedAfterRestartMs: settledMs,
      apiLog: logSummary(),
      secretScan: scan,
    });
  });
});
