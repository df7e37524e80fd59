// The worker process dies (SIGKILL) in the middle of the assistant's turn, at the worst moments: while
// the model call is in flight, while the reply's send to Twilio is in flight, and after Twilio accepted the
// reply but before its answer came back. A new worker finishes the turn. What the customer and the CSR
// must see: the reply on the customer's phone at most once, never twice (the fake Twilio counts); one
// recorded reply in the conversation; the booking (if the turn asked for one) exactly once.
//
// The right result when the kill lands on the send: Twilio took the text but nobody wrote that down, so
// the outbox cannot know whether it went out. It is never resent blindly: the message shows `unknown`
// ("Delivery unknown — resend?") until Twilio's status callback says what became of it. The customer has
// exactly one copy.
import type { WorkflowHandle } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import type { ConversationWithMessages } from '../../api/conversations/get-conversation.ts';
import { disclosure } from '../../assistant/guardrails/first-sms.ts';
import { insertAssistant, setAssistantNumbers } from '../../db/repositories/assistants.ts';
import { conversationStateQuery, conversationWorkflowId } from '../../workflows/definitions.ts';
import { seedAssistantData, type AssistantSeed } from '../fakes/servicetitan/index.ts';
import { testAssistantFields } from '../support/assistant-fields.ts';
import { startChildWorker, type ChildWorker } from '../support/child-worker.ts';
import { createUser, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
let csr: ApiClient;
let seed: AssistantSeed;
let worker: ChildWorker | null = null;
const zone = 'America/Chicago';

beforeAll(async () => {
  p = await startPipeline({ worker: false });
  const db = p.test.db;
  await db.models.ServiceTitanConfig.update({ businessUnitId: 11, jobTypeId: 21, campaignId: 31 }, { where: { tenantId: p.tenant.id } });
  seed = seedAssistantData(p.fakes.serviceTitan, { tenantId: p.serviceTitan.tenantId, timeZone: zone, existingCustomerPhone: uniquePhone().slice(2), existingCustomerName: 'Pat Morgan' });
  const number = await db.models.PhoneNumber.findOne({ where: { tenantId: p.tenant.id, phone: p.ourNumber }, rejectOnEmpty: true });
  await db.sequelize.transaction(async (transaction) => {
    const id = await insertAssistant(
      db,
      p.tenant.id,
      testAssistantFields({ smsPrompt: 'You book HVAC maintenance and repair visits.', timeZone: zone }),
      transaction,
    );
    await setAssistantNumbers(db, p.tenant.id, id, [number.id], transaction);
  });
  const { user, password } = await createUser(db, { tenantId: p.tenant.id, role: 'csr' });
  csr = new ApiClient(p.baseUrl);
  await csr.login(user.email, password);
  worker = await startChildWorker(p.env);
}, 120_000);

afterAll(async () => {
  await worker?.kill();
  await p?.close();
});

/** SIGKILL the worker, then start a fresh one (the old one's tasks come back after their timeouts). */
async function killAndReplaceWorker(): Promise<void> {
  await worker!.kill();
  worker = await startChildWorker(p.env);
}

const textsTo = (customer: string) => p.fakes.twilio.messages.filter((m) => m.to === customer);
const bodiesTo = (customer: string) => textsTo(customer).map((m) => m.body);

async function text(customer: string, body: string): Promise<void> {
  expect((await p.sendInbound({ from: customer, body })).status).toBe(200);
}

function received(customer: string, count: number): Promise<string[]> {
  return waitFor(async () => (textsTo(customer).length >= count ? bodiesTo(customer) : null), {
    what: `${count} texts to ${customer}\n${worker?.output().slice(-2_000)}`,
    timeoutMs: 90_000,
    intervalMs: 200,
  });
}

async function conversationOf(customer: string) {
  return waitFor(() => p.conversationWith(customer), { what: `the conversation with ${customer}` });
}

/** Every inbound message filed, nothing under way in the workflow (no activity, task or queued work). */
async function settled(customer: string): Promise<void> {
  const c = await conversationOf(customer);
  await waitFor(async () => {
    const unfiled = await p.test.db.models.Message.count({ where: { conversationId: c.id, direction: 'inbound', filedAt: null } });
    if (unfiled > 0) return false;
    const handle: WorkflowHandle = p.temporal.workflow.getHandle(conversationWorkflowId(p.tenant.id, c.id));
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return true;
    if ((d.raw.pendingActivities?.length ?? 0) > 0 || d.raw.pendingWorkflowTask) return false;
    return (await handle.query(conversationStateQuery)).queued === 0;
  }, { what: `the conversation with ${customer} to settle\n${worker?.output().slice(-2_000)}`, timeoutMs: 120_000, intervalMs: 250 });
}

async function detailOf(customer: string): Promise<ConversationWithMessages> {
  const c = await conversationOf(customer);
  const res = await csr.get<ConversationWithMessages>(`/api/conversations/${c.id}`);
  expect(res.status).toBe(200);
  return res.body;
}

const assistantMessages = async (customer: string) => (await detailOf(customer)).messages.filter((m) => m.author === 'assistant');

async function turnsOf(customer: string): Promise<number> {
  const c = await conversationOf(customer);
  const [row] = await p.test.db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM assistant_turns WHERE conversation_id = :id', {
    replacements: { id: c.id },
    type: QueryTypes.SELECT,
  });
  return row!.n;
}

const bookingsOf = (conversationId: string) =>
  p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => String(b.body.externalId).includes(conversationId));

const toolCallingRequests = () => p.fakes.openai.requests.filter((r) => Array.isArray((r.body as { tools?: unknown }).tools)).length;

/**
 * Forwards the status callbacks the fake Twilio recorded for this message to the app (the test's public
 * URL is not reachable): what Twilio does once it has moved the message on.
 */
async function deliverStatusCallbacks(sid: string): Promise<void> {
  await p.fakes.twilio.idle();
  for (const cb of p.fakes.twilio.callbacks.filter((c) => c.messageSid === sid)) {
    const url = new URL(cb.url);
    const res = await fetch(`${p.baseUrl}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': cb.signature },
      body: new URLSearchParams(cb.params).toString(),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
}

describe('the worker is killed in the middle of an assistant turn', () => {
  it('while the model call is in flight: the new worker answers once', { timeout: 180_000 }, async () => {
    const customer = uniquePhone();
    const before = toolCallingRequests();
    p.fakes.openai.latencyMs = 5_000;
    try {
      await text(customer, 'Hi, I would like to book a maintenance visit for my AC');
      await waitFor(async () => toolCallingRequests() > before, { what: 'the model call to be in flight', timeoutMs: 60_000, intervalMs: 25 });
      expect(p.fakes.twilio.messages.filter((m) => m.to === customer)).toHaveLength(0);
      await killAndReplaceWorker();
    } finally {
      p.fakes.openai.latencyMs = 0;
    }
    const texts = await received(customer, 2);
    await settled(customer);
    expect(bodiesTo(customer)).toHaveLength(2);
    expect(texts[0]).toContain(disclosure);
    expect(texts[1]).toMatch(/I have these openings/);
    // The killed call was made again, not answered twice: one turn, one reply (the session's first SMS and the answer).
    expect(await turnsOf(customer)).toBe(1);
    const replies = await assistantMessages(customer);
    expect(replies.map((m) => m.body)).toEqual(texts);
    expect(replies.every((m) => m.status !== 'unknown' && m.status !== 'failed')).toBe(true);
    expect(bookingsOf((await conversationOf(customer)).id)).toHaveLength(0);
  });

  it('while the reply is on its way to Twilio: one text at most, shown `unknown`, never resent; the booking once', { timeout: 180_000 }, async () => {
    const customer = uniquePhone();
    await text(customer, 'Hi, I would like to book a maintenance visit for my AC');
    await received(customer, 2);
    await settled(customer);

    // Twilio takes each request but answers 5 s later: the reply's send is killed mid-request.
    const requestsBefore = p.fakes.twilio.requestCount;
    p.fakes.twilio.latencyMs = 5_000;
    try {
      await text(customer, 'The first one works for me');
      await waitFor(async () => p.fakes.twilio.requestCount > requestsBefore, { what: 'the reply send to be in flight', timeoutMs: 60_000, intervalMs: 25 });
      await killAndReplaceWorker();
      // Twilio goes on with the request its caller abandoned.
      await waitFor(async () => textsTo(customer).length === 3, { what: 'Twilio to take the reply', timeoutMs: 20_000 });
    } finally {
      p.fakes.twilio.latencyMs = 0;
    }
    const c = await conversationOf(customer);
    const booked = await waitFor(async () => {
      const now = await conversationOf(customer);
      return now.bookingStatus === 'created' ? now : null;
    }, { what: `the booking after the crash\n${worker?.output().slice(-2_000)}`, timeoutMs: 120_000, intervalMs: 250 });
    await settled(customer);

    const texts = bodiesTo(customer);
    expect(texts).toHaveLength(3);
    expect(texts[2]).toMatch(/requested .* A team member will confirm/);
    expect(await turnsOf(customer)).toBe(2);
    const replies = await assistantMessages(customer);
    expect(replies).toHaveLength(3);
    const reply = replies[2]!;
    expect(reply.body).toBe(texts[2]);
    expect(reply.status).toBe('unknown');
    const bookings = bookingsOf(c.id);
    expect(bookings).toHaveLength(1);
    expect(String(bookings[0]!.booking.id)).toBe(booked.serviceTitanBookingId);
    expect(Date.parse(String(bookings[0]!.booking.start))).toBe(Date.parse(seed.windowStarts[0]!));

    // Twilio's status callback settles it: still one text, now delivered.
    await deliverStatusCallbacks(textsTo(customer)[2]!.sid);
    const settledReply = await waitFor(async () => {
      const m = (await assistantMessages(customer))[2];
      return m && m.status === 'delivered' ? m : null;
    }, { what: 'the unknown reply to be resolved by the status callback' });
    expect(settledReply.id).toBe(reply.id);
    expect(bodiesTo(customer)).toHaveLength(3);
  });

  it('after Twilio accepted the reply but before its answer arrived: one text, shown `unknown`, never resent', { timeout: 180_000 }, async () => {
    const customer = uniquePhone();
    // Twilio creates the first text of the reply at once and holds its answer back.
    p.fakes.twilio.faults.set({ mode: 'slowAnswer', answerDelayMs: 10_000, times: 1 });
    try {
      await text(customer, 'Hi, I would like to book a maintenance visit for my AC');
      await waitFor(async () => textsTo(customer).length === 1, { what: 'Twilio to accept the first text', timeoutMs: 60_000, intervalMs: 25 });
      await killAndReplaceWorker();
    } finally {
      p.fakes.twilio.faults.clear();
    }
    const texts = await received(customer, 2);
    await settled(customer);
    expect(bodiesTo(customer)).toHaveLength(2);
    expect(texts[0]).toContain(disclosure);
    expect(texts[1]).toMatch(/I have these openings/);
    expect(await turnsOf(customer)).toBe(1);
    const replies = await assistantMessages(customer);
    expect(replies.map((m) => m.body)).toEqual(texts);
    expect(replies.map((m) => m.status === 'unknown')).toEqual([true, false]);
  });
});
