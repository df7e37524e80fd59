import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { uniquePhone } from '../support/factories.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

async function settled(customer: string, messages: number) {
  return waitFor(
    async () => {
      const c = await p.conversationWith(customer);
      if (!c?.classificationSource) return null;
      const count = await p.test.db.models.Message.count({ where: { conversationId: c.id, direction: 'inbound' } });
      return count === messages ? c : null;
    },
    { what: `${messages} classified message(s) from ${customer}` },
  );
}

async function contactOf(customer: string) {
  return p.test.db.models.Contact.findOne({ where: { tenantId: p.tenant.id, phone: customer }, rejectOnEmpty: true });
}

describe('opt-out keywords are decided without AI', () => {
  it.each(['STOP', 'stop.', ' Stop '])('%j opts the contact out, files OPT OUTS, books nothing', async (body) => {
    const customer = uniquePhone();
    const aiCallsBefore = p.fakes.openai.callCount;
    const res = await p.sendInbound({ from: customer, body });
    expect(res.status).toBe(200);
    const c = await waitFor(async () => {
      const conv = await p.conversationWith(customer);
      return conv?.category === 'opt_out' ? conv : null;
    });
    expect(c.classificationSource).toBe('keyword');
    expect(c.needsAttention).toBe(false);
    const contact = await contactOf(customer);
    expect(contact.optedOut).toBe(true);
    expect(contact.optedOutAt).toBeInstanceOf(Date);
    expect(p.fakes.openai.callCount).toBe(aiCallsBefore);
    expect(c.serviceTitanBookingId).toBeNull();
    expect(p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => b.body.externalId === `intellisend-conversation-${c.id}-episode-1`)).toHaveLength(0);
  });

  it('START opts the contact back in', async () => {
    const customer = uniquePhone();
    await p.sendInbound({ from: customer, body: 'STOP' });
    await waitFor(async () => (await contactOf(customer).catch(() => null))?.optedOut === true);
    await p.sendInbound({ from: customer, body: 'START' });
    await waitFor(async () => (await contactOf(customer)).optedOut === false, { what: 'opt-in' });
    const c = await p.conversationWith(customer);
    expect(c?.category).toBe('engaged');
  });

  it('HELP gets the tenant help reply through Twilio, without AI', async () => {
    const customer = uniquePhone();
    const aiCallsBefore = p.fakes.openai.callCount;
    await p.sendInbound({ from: customer, body: 'help' });
    const sent = await waitFor(async () => p.fakes.twilio.messages.find((m) => m.to === customer), { what: 'the help reply at Twilio' });
    const tenant = await p.test.db.models.Tenant.findByPk(p.tenant.id, { rejectOnEmpty: true });
    expect(sent.body).toBe(tenant.helpReply);
    expect(sent.from).toBe(p.ourNumber);
    expect(p.fakes.openai.callCount).toBe(aiCallsBefore);
  });
});

describe('the classifier', () => {
  it('a free-text opt-out the model files as opt_out opts out and books nothing', async () => {
    const customer = uniquePhone();
    const body = 'please stop texting me';
    // The model's answer is scripted: this checks what our pipeline sends and does with the answer.
    p.fakes.openai.setClassifier((latest) =>
      latest === body ? { category: 'opt_out', confidence: 0.97, reason: 'Asks not to be texted.' } : { category: 'engaged', confidence: 0.5, reason: 'Other.' },
    );
    try {
      await p.sendInbound({ from: customer, body });
      const c = await settled(customer, 1);
      expect(c.category).toBe('opt_out');
      expect(c.classificationSource).toBe('ai');
      expect(c.needsAttention).toBe(false);
      expect((await contactOf(customer)).optedOut).toBe(true);
      expect(c.serviceTitanBookingId).toBeNull();
      const sent = p.fakes.openai.requests.filter((r) => {
        const messages = (r.body as { messages?: Array<{ role: string; content: string }> }).messages;
        return messages?.at(-1)?.content === body;
      });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toMatchObject({ model: p.env.OPENAI_MODEL, response_format: { type: 'json_schema' } });
      expect((sent[0]!.body as { messages: Array<{ role: string; content: string }> }).messages[0]!.content).toContain(p.tenant.name);
    } finally {
      p.fakes.openai.setClassifier(null);
    }
  });

  it('when OpenAI is down files the reply as engaged by fallback and still books it', async () => {
    p.fakes.openai.faults.set({ mode: 'down' });
    try {
      const customer = uniquePhone();
      await p.sendInbound({ from: customer, body: 'Can you give me a quote for a new water heater?' });
      const c = await waitFor(
        async () => {
          const conv = await p.conversationWith(customer);
          return conv?.serviceTitanBookingId ? conv : null;
        },
        { timeoutMs: 60_000, what: 'a fallback booking' },
      );
      expect(c.category).toBe('engaged');
      expect(c.classificationSource).toBe('fallback');
      expect(c.needsAttention).toBe(true);
    } finally {
      p.fakes.openai.faults.clear();
    }
  });
});
