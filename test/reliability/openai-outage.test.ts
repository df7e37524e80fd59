// OpenAI fails (500s, then 429s) while customers text in: each message is filed by the fallback
// (`engaged`, a person reads it), bookings are still created, and once OpenAI is back later messages
// — new conversations and new messages of the fallback-filed ones — are classified by AI again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { inBatches, keepApiResponses, logSummary, recordFigures, scale, pipelineSecrets, scanForSecrets } from './support.ts';

const size = scale.openai;
let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
  keepApiResponses(p.baseUrl);
});
afterAll(async () => {
  await p?.close();
});

describe('OpenAI is down, then comes back', () => {
  it('files by fallback and still books while down; classifies by AI again after', { timeout: 300_000 }, async () => {
    const { models } = p.test.db;
    const openai = p.fakes.openai;
    const settle = (customer: string, messages: number, source: string) =>
      waitFor(
        async () => {
          const c = await p.conversationWith(customer);
          if (!c || c.classificationSource !== source) return null;
          const n = await models.Message.count({ where: { conversationId: c.id, direction: 'inbound' } });
          return n === messages ? c : null;
        },
        { timeoutMs: 120_000, intervalMs: 250, what: `${customer}: ${messages} message(s) filed by ${source}` },
      );

    // Down: half the customers while OpenAI answers 500, half while it answers 429.
    const down = Array.from({ length: size.conversationsWhileDown }, () => uniquePhone());
    const t0 = Date.now();
    const callsBefore = openai.callCount;
    const half = Math.ceil(down.length / 2);
    const downPhases: [string, string[]][] = [
      ['down', down.slice(0, half)],
      ['rateLimited', down.slice(half)],
    ];
    const whileDown = [];
    for (const [mode, customers] of downPhases) {
      openai.faults.set(mode === 'down' ? { mode: 'down', status: 503 } : { mode: 'rateLimited', retryAfterSeconds: 1 });
      await inBatches(customers, 5, async (from) => {
        const res = await p.sendInbound({ from, body: 'Hi, our furnace is making a loud rattling noise. Can someone take a look this week?' });
        expect(res.status).toBe(200);
      });
      whileDown.push(...(await Promise.all(customers.map((c) => settle(c, 1, 'fallback')))));
    }
    const fallbackMs = Date.now() - t0;
    const callsWhileDown = openai.callCount - callsBefore;
    for (const c of whileDown) {
      expect(c.category).toBe('engaged');
      expect(c.needsAttention).toBe(true);
    }
    const bookedWhileDown = await waitFor(
      async () => {
        const rows = await Promise.all(down.map((c) => p.conversationWith(c)));
        return rows.every((c) => c?.serviceTitanBookingId) ? rows : null;
      },
      { timeoutMs: 60_000, what: 'bookings for the fallback-filed conversations' },
    );

    // Back: new conversations, and a second message in each earlier one, are filed by AI.
    openai.faults.clear();
    const recoveredAt = Date.now();
    const after = Array.from({ length: size.conversationsAfter }, () => uniquePhone());
    await inBatches(after, 5, async (from) => {
      expect((await p.sendInbound({ from, body: 'Could you send someone to check our AC? It is not cooling.' })).status).toBe(200);
    });
    await inBatches(down, 5, async (from) => {
      expect((await p.sendInbound({ from, body: 'Following up: any tech available Thursday morning?' })).status).toBe(200);
    });
    const afterRows = await Promise.all([...after.map((c) => settle(c, 1, 'ai')), ...down.map((c) => settle(c, 2, 'ai'))]);
    const recoveryMs = Date.now() - recoveredAt;
    await waitFor(async () => {
      const rows = await Promise.all(after.map((c) => p.conversationWith(c)));
      return rows.every((c) => c?.serviceTitanBookingId);
    }, { timeoutMs: 60_000, what: 'bookings after recovery' });

    // One booking per conversation, the same id on both sides; none twice.
    const bookings = p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId);
    expect(bookings).toHaveLength(down.length + after.length);
    const byExternalId = new Map(bookings.map((b) => [String(b.body.externalId), String(b.booking.id)]));
    for (const c of bookedWhileDown) expect(c!.serviceTitanBookingId).toBe(byExternalId.get(`intellisend-conversation-${c!.id}-episode-1`));
    expect(afterRows.every((c) => c.category === 'engaged')).toBe(true);

    const scan = scanForSecrets(pipelineSecrets(p));
    recordFigures('openai-outage', {
      conversationsWhileDown: down.length,
      faultModes: { down503: half, rateLimited429: down.length - half },
      openaiCallsWhileDown: callsWhileDown,
      callsPerFallbackMessage: Number((callsWhileDown / down.length).toFixed(1)),
      allFiledByFallbackWithinMs: fallbackMs,
      bookingsWhileDown: bookedWhileDown.length,
      conversationsAfter: after.length,
      followUpsReclassifiedByAi: down.length,
      allFiledByAiAfterRecoveryWithinMs: recoveryMs,
      bookings: bookings.length,
      apiLog: logSummary(),
      secretScan: scan,
    });
  });
});
