import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { conversationStateQuery, conversationWorkflowId } from '../../workflows/definitions.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

const bookingsFor = (conversationId: string) =>
  p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => b.body.externalId === `intellisend-conversation-${conversationId}-episode-1`);

describe('re-delivered and out-of-order webhooks', () => {
  it('stores 20 messages once each, delivered twice in shuffled order, and books once', async () => {
    const customer = uniquePhone();
    const sent = Array.from({ length: 20 }, (_, i) => ({ sid: twilioMessageSid(), body: `Message number ${i + 1} about the AC` }));
    const deliveries = [...sent, ...sent].map((m, i) => ({ ...m, key: (i * 7919) % 40 })).sort((a, b) => a.key - b.key);
    const statuses = await Promise.all(
      deliveries.map((d) => p.sendInbound({ from: customer, body: d.body, messageSid: d.sid }).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);

    const conversation = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      if (!c?.serviceTitanBookingId) return null;
      const n = await p.test.db.models.Message.count({ where: { conversationId: c.id } });
      return n === 20 ? c : null;
    }, { timeoutMs: 60_000, what: '20 stored messages and a booking' });
    const stored = await p.test.db.models.Message.findAll({ where: { conversationId: conversation.id } });
    expect(new Set(stored.map((m) => m.twilioSid))).toEqual(new Set(sent.map((m) => m.sid)));
    expect(bookingsFor(conversation.id)).toHaveLength(1);
  });
});

describe('ServiceTitan configuration', () => {
  it('a disabled integration calls nothing at ServiceTitan and still records the conversation', async () => {
    await p.test.db.models.ServiceTitanConfig.update({ enabled: false }, { where: { tenantId: p.tenant.id } });
    try {
      const callsBefore = p.fakes.serviceTitan.requests.length;
      const tokenCallsBefore = p.fakes.serviceTitan.tokenRequests;
      const customer = uniquePhone();
      await p.sendInbound({ from: customer, body: 'Is my appointment still on for Monday?' });
      const c = await waitFor(async () => {
        const conv = await p.conversationWith(customer);
        return conv?.bookingStatus === 'skipped' ? conv : null;
      }, { what: 'booking skipped' });
      expect(c.needsAttention).toBe(true);
      expect(c.serviceTitanBookingId).toBeNull();
      expect(p.fakes.serviceTitan.requests.length).toBe(callsBefore);
      expect(p.fakes.serviceTitan.tokenRequests).toBe(tokenCallsBefore);
    } finally {
      await p.test.db.models.ServiceTitanConfig.update({ enabled: true }, { where: { tenantId: p.tenant.id } });
    }
  });

  it('a 400 from ServiceTitan fails the booking with a readable error and no retry storm', async () => {
    p.fakes.serviceTitan.setBookingsFailWith(400, {
      type: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      traceId: 'test',
      errors: { campaignId: ['Campaign 42 does not exist.'] },
    });
    try {
      const customer = uniquePhone();
      await p.sendInbound({ from: customer, body: 'My sink is leaking under the cabinet.' });
      const c = await waitFor(async () => {
        const conv = await p.conversationWith(customer);
        return conv?.bookingStatus === 'failed' ? conv : null;
      }, { what: 'booking failed' });
      expect(c.bookingLastError).toMatch(/campaign/i);
      expect(c.serviceTitanBookingId).toBeNull();
      expect(c.needsAttention).toBe(true);
      // Wait until the workflow itself has given up and has nothing left to do (a retry would show as
      // `retrying` or queued work), then read the row again and count the create attempts.
      const handle = p.temporal.workflow.getHandle(conversationWorkflowId(p.tenant.id, c.id));
      await waitFor(async () => {
        const state = await handle.query(conversationStateQuery);
        return state.bookingStatus === 'failed' && state.queued === 0 && !state.bookingInFlight;
      }, { what: 'the workflow to give up on the booking' });
      const after = (await p.conversationWith(customer))!;
      const creates = p.fakes.serviceTitan.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bookings'));
      const mine = creates.filter((r) => r.status === 400);
      expect(mine.length).toBe(1);
      expect(after.bookingAttempts).toBe(1);
      expect(after.bookingStatus).toBe('failed');
    } finally {
      p.fakes.serviceTitan.setBookingsFailWith(null);
    }
  });
});
