// 100 customers text in while ServiceTitan fails about half of its API calls (500, 503, 429 with
// Retry-After, held requests that time out, and creates whose answer is lost after the booking was
// made). Every conversation must end with exactly one booking, linked to the right conversation.
//
// The fault window: faults stay on until every conversation has either been booked or lived through at
// least three booking attempts, or for 30 s at most, then ServiceTitan recovers. Faulting every call
// forever is not a test one can wait for: with half of all calls failing an attempt succeeds ~1 time in
// 4 and the slowest of 100 conversations needs 12–16 attempts, i.e. 10–30 minutes of the production
// backoff (2 s × 2, up to 5 min). The 30 s bound keeps the backoff a conversation has reached by then
// (at most ~5 attempts: 32–64 s) within what the test waits for on a loaded machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultKind } from '../fakes/servicetitan/index.ts';
import { uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

const conversations = 100;
const concurrency = 10;
const allKinds: FaultKind[] = ['500', '503', '429', 'timeout', 'lostAnswer'];

async function inBatches<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

describe('booking while ServiceTitan fails half of its calls', () => {
  it('books each of 100 conversations exactly once and links each to its own booking', { timeout: 480_000 }, async () => {
    const fake = p.fakes.serviceTitan;
    const { models } = p.test.db;
    // The first booking creates are certain to hit the worst cases: made-but-unanswered and held.
    fake.faults.next(['lostAnswer', 'timeout', 'lostAnswer', 'lostAnswer'], 'create');
    fake.faults.set({ rate: 0.5, kinds: allKinds, retryAfterSeconds: 1, seed: 20240611 });

    const customers = Array.from({ length: conversations }, () => uniquePhone());
    const statuses: number[] = [];
    await inBatches(customers, concurrency, async (from) => {
      const res = await p.sendInbound({ from, body: `Hi, can someone come look at our AC this week? It blows warm air. (${from})` });
      statuses.push(res.status);
    });
    expect(statuses.filter((s) => s === 200)).toHaveLength(conversations);

    const conversationRows = async () => {
      const contacts = await models.Contact.findAll({ where: { tenantId: p.tenant.id, phone: customers } });
      return models.Conversation.findAll({ where: { contactId: contacts.map((c) => c.id) } });
    };

    // Faults stay on until every conversation has been booked or has failed at least three times (30 s at most).
    const faultsUntil = Date.now() + 30_000;
    await waitFor(
      async () => {
        const rows = await conversationRows();
        const settled = rows.length === conversations && rows.every((c) => c.serviceTitanBookingId || c.bookingAttempts >= 3);
        return settled || Date.now() > faultsUntil;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the fault window to end' },
    );
    const faulted = fake.requests.filter((r) => r.fault);
    for (const kind of allKinds) expect(faulted.some((r) => r.fault === kind), `a ${kind} fault`).toBe(true);
    expect(faulted.filter((r) => r.fault === 'lostAnswer' && r.method === 'POST').length).toBeGreaterThanOrEqual(3);
    fake.faults.clear();

    const booked = await waitFor(
      async () => {
        const rows = await conversationRows();
        return rows.length === conversations && rows.every((c) => c.serviceTitanBookingId && c.bookingStatus === 'created') ? rows : null;
      },
      // Retry-After (1 s) lets a conversation fail many times inside the fault window; Temporal's backoff still
      // counts every attempt, so after eight or more its next try waits out the 5-minute cap (bookingRetry).
      { timeoutMs: 330_000, intervalMs: 250, what: 'all 100 conversations booked' },
    ).catch(async (err: unknown) => {
      // Say which conversations are behind and where they stand, not just that the wait ran out.
      const behind = (await conversationRows()).filter((c) => !(c.serviceTitanBookingId && c.bookingStatus === 'created'));
      const detail = behind.map((c) => `${c.id}: ${c.bookingStatus}, ${c.bookingAttempts} attempts, ${c.bookingLastError ?? '-'}`);
      throw new Error(`${String(err)}\n${behind.length} not booked:\n${detail.join('\n')}`);
    });

    const bookings = fake.bookings(p.serviceTitan.tenantId);
    const externalIds = bookings.map((b) => String(b.body.externalId));
    expect(new Set(externalIds).size).toBe(externalIds.length);
    expect(bookings).toHaveLength(conversations);
    const bookingIdByExternalId = new Map(bookings.map((b) => [String(b.body.externalId), String(b.booking.id)]));
    for (const c of booked) {
      expect(c.serviceTitanBookingId).toBe(bookingIdByExternalId.get(`intellisend-conversation-${c.id}-episode-1`));
      expect(c.needsAttention).toBe(true);
    }
    // Several conversations really did retry, and some booking answers really were lost.
    expect(booked.filter((c) => c.bookingAttempts > 1).length).toBeGreaterThan(conversations / 4);
  });
});
