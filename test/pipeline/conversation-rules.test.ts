// The conversation rules as a CSR meets them, end to end: the webhook, the workflow, the real SDKs against
// the fakes, the inbox API. Each case is one rule of domain/conversation-rules.ts that was broken before.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import type { ConversationPage } from '../../api/conversations/find-conversations.ts';
import type { ConversationWithMessages } from '../../api/conversations/get-conversation.ts';
import { classifyByKeywords } from '../fakes/openai/index.ts';
import { createUser, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { conversationStateQuery } from '../../workflows/definitions.ts';

let p: Pipeline;
let csr: ApiClient;
beforeAll(async () => {
  p = await startPipeline();
  const { user, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  csr = new ApiClient(p.baseUrl);
  await csr.login(user.email, password);
});
afterEach(() => {
  p.fakes.openai.latencyMs = 0;
  p.fakes.openai.setClassifier(null);
  p.fakes.serviceTitan.latencyMs = 0;
  p.fakes.serviceTitan.faults.clear();
});
afterAll(async () => {
  await p?.close();
});

const view = async (id: string) => (await csr.get<ConversationWithMessages>(`/api/conversations/${id}`)).body;
const contactOf = (phone: string) => p.test.db.models.Contact.findOne({ where: { tenantId: p.tenant.id, phone }, rejectOnEmpty: true });
const bookingsOf = (id: string) => p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => String(b.body.externalId).includes(id));

/** Sends a text and waits until the workflow has filed it. */
async function texted(customer: string, body: string) {
  expect((await p.sendInbound({ from: customer, body })).status).toBe(200);
  return filed(customer);
}

/** Waits until every message of the customer's conversation is filed. */
function filed(customer: string) {
  return waitFor(async () => {
    const c = await p.conversationWith(customer);
    if (!c) return null;
    const unfiled = await p.test.db.models.Message.count({ where: { conversationId: c.id, direction: 'inbound', filedAt: null } });
    // Read again: a filing that committed between the two reads is not in `c`.
    return unfiled === 0 ? p.conversationWith(customer) : null;
  }, { what: `the messages of ${customer} to be filed` });
}

async function booked(customer: string) {
  return waitFor(async () => {
    const c = await p.conversationWith(customer);
    return c?.bookingStatus === 'created' ? c : null;
  }, { what: 'the booking' });
}

async function reply(id: string, body: string) {
  const res = await csr.post(`/api/conversations/${id}/messages`, { body });
  expect(res.status).toBe(202);
}

describe('"Yes" is an opt-in only for a contact who opted out', () => {
  it('a CSR asks, the customer answers "Yes": the AI files it and it needs a person, on top of ENGAGED', async () => {
    const customer = uniquePhone();
    const first = await texted(customer, 'My AC is blowing warm air, can someone take a look?');
    await booked(customer);
    await reply(first.id, 'Can we come Tuesday at 9?');
    expect((await p.conversationWith(customer))?.needsAttention).toBe(false);
    const aiCalls = p.fakes.openai.callCount;

    const answered = await texted(customer, 'Yes');
    expect(p.fakes.openai.callCount).toBeGreaterThan(aiCalls);
    expect(answered).toMatchObject({ category: 'engaged', classificationSource: 'ai', needsAttention: true });
    const inbox = await csr.get<ConversationPage>('/api/conversations?tab=engaged');
    expect(inbox.body.items[0]).toMatchObject({ id: first.id, needsAttention: true, lastMessage: { body: 'Yes' } });
    expect((await contactOf(customer)).optedOut).toBe(false);
  });

  it('"Yes" from an opted-out contact opts them back in, without asking the AI', async () => {
    const customer = uniquePhone();
    await texted(customer, 'STOP');
    expect((await contactOf(customer)).optedOut).toBe(true);
    const aiCalls = p.fakes.openai.callCount;
    const c = await texted(customer, 'Yes');
    expect((await contactOf(customer)).optedOut).toBe(false);
    expect(p.fakes.openai.callCount).toBe(aiCalls);
    expect(c).toMatchObject({ category: 'engaged', classificationSource: 'keyword' });
  });
});

describe('after an opt-out nothing more is created at ServiceTitan', () => {
  it('STOP while the booking is retrying stops it: skipped, "customer opted out", no booking created', { timeout: 90_000 }, async () => {
    const fake = p.fakes.serviceTitan;
    fake.faults.set({ rate: 1, kinds: ['503'], only: 'create', retryAfterSeconds: 1 });
    const customer = uniquePhone();
    const c = await texted(customer, 'The furnace is making a loud banging noise. Can someone come out?');
    await waitFor(async () => (await p.conversationWith(customer))?.bookingStatus === 'retrying', { what: 'the booking to be retrying' });

    await texted(customer, 'STOP');
    const stoppedAt = new Date().toISOString();
    const skipped = await waitFor(async () => {
      const v = await view(c.id);
      return v.conversation.bookingStatus === 'skipped' ? v : null;
    }, { what: 'the booking to stop' });
    expect(skipped.conversation.booking.lastError).toBe('customer opted out');
    const handle = await p.workflowFor(customer);
    await waitFor(async () => !(await handle.query(conversationStateQuery)).bookingInFlight, { what: 'the workflow to let go of the booking' });

    // ServiceTitan recovers: still nothing is created for this conversation.
    fake.faults.clear();
    expect(bookingsOf(c.id)).toEqual([]);
    const createsAfterStop = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bookings') && r.at > stoppedAt && r.status === 200);
    expect(createsAfterStop).toEqual([]);
    expect((await p.conversationWith(customer))?.category).toBe('opt_out');
  });
});

describe("a person's category is kept until a person changes it", () => {
  it('a CSR corrects complaint → engaged; "this is outrageous" stays engaged and raises needsAttention', async () => {
    p.fakes.openai.setClassifier((text) =>
      /outrageous|never showed/i.test(text) ? { category: 'complaint', confidence: 0.95, reason: 'The customer is upset.' } : classifyByKeywords(text),
    );
    const customer = uniquePhone();
    const c = await texted(customer, 'Your tech never showed up yesterday.');
    expect(c.category).toBe('complaint');
    const corrected = await csr.patch(`/api/conversations/${c.id}`, { category: 'engaged', needsAttention: false });
    expect(corrected.status).toBe(200);

    const next = await texted(customer, 'this is outrageous');
    expect(next).toMatchObject({ category: 'engaged', classificationSource: 'csr', needsAttention: true });
  });
});

describe('only a person clears needsAttention, and nothing raises it again for a message a person answered', () => {
  it('a CSR replied; the booking succeeds afterwards → needsAttention stays false', { timeout: 60_000 }, async () => {
    p.fakes.serviceTitan.latencyMs = 3_000;
    const customer = uniquePhone();
    const c = await texted(customer, 'Can you send someone to check my water heater?');
    expect(c.needsAttention).toBe(true);
    expect(c.bookingStatus).not.toBe('created');
    await reply(c.id, 'Sure, we will call you shortly to set a time.');
    const afterBooking = await booked(customer);
    expect(afterBooking.needsAttention).toBe(false);
  });

  it('a CSR replies while the classifier is still working → stays false', { timeout: 60_000 }, async () => {
    const customer = uniquePhone();
    const first = await texted(customer, 'Hello, is this the heating company?');
    p.fakes.openai.latencyMs = 4_000;
    const calls = p.fakes.openai.requests.length;
    expect((await p.sendInbound({ from: customer, body: 'My heat pump is frozen over, can you help?' })).status).toBe(200);
    await waitFor(async () => p.fakes.openai.requests.length > calls, { what: 'the classifier to be asked' });
    await reply(first.id, 'Yes, we can help. A tech will call you.');
    const c = await filed(customer);
    expect(c.classificationSource).toBe('ai');
    expect(c.needsAttention).toBe(false);
  });
});

describe('names from ServiceTitan', () => {
  it("fills an empty contact name from ServiceTitan's customer lookup, and never overwrites a person's", async () => {
    const known = uniquePhone();
    const named = uniquePhone();
    for (const [phone, name] of [[known, 'Dana Whitfield'], [named, 'Someone Else']] as const) {
      p.fakes.serviceTitan.addCustomer({ tenantId: p.serviceTitan.tenantId, name, phone: phone.slice(2) });
    }
    await p.test.db.models.Contact.create({ tenantId: p.tenant.id, phone: named, firstName: 'Sam', lastName: null });
    await texted(known, 'Can you tune up our furnace before winter?');
    await texted(named, 'Can you tune up our furnace before winter?');
    await Promise.all([booked(known), booked(named)]);
    expect(await contactOf(known)).toMatchObject({ firstName: 'Dana', lastName: 'Whitfield' });
    expect(await contactOf(named)).toMatchObject({ firstName: 'Sam', lastName: null });
  });
});
