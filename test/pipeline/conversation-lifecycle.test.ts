// Conversations end: a person resolves one (or it resolves itself when idle), its workflow run completes,
// and the next text reopens it as the next episode with a booking of its own and a fresh run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import type { ConversationPage } from '../../api/conversations/find-conversations.ts';
import type { ConversationWithMessages } from '../../api/conversations/get-conversation.ts';
import type { ConversationDetailView } from '../../api/conversations/present-conversation.ts';
import { classifyByKeywords } from '../fakes/openai/index.ts';
import { createUser, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
let csr: ApiClient;
beforeAll(async () => {
  p = await startPipeline();
  const { user, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  csr = new ApiClient(p.baseUrl);
  await csr.login(user.email, password);
});
afterAll(async () => {
  await p?.close();
});

const bookingsOf = (id: string) => p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => String(b.body.externalId).includes(id));

async function filed(customer: string) {
  return waitFor(async () => {
    const c = await p.conversationWith(customer);
    if (!c) return null;
    const unfiled = await p.test.db.models.Message.count({ where: { conversationId: c.id, direction: 'inbound', filedAt: null } });
    // Read again: a filing that committed between the two reads is not in `c`.
    return unfiled === 0 ? p.conversationWith(customer) : null;
  }, { what: `the messages of ${customer} to be filed` });
}

async function completed(handle: WorkflowHandle) {
  return waitFor(async () => {
    const d = await handle.describe();
    return d.status.name === 'COMPLETED' ? d : null;
  }, { what: 'the workflow run to complete' });
}

/** `racing`: a text may reopen it between the resolve and the answer, so only the answer is checked. */
async function resolve(id: string, { racing = false } = {}) {
  const res = await csr.post<{ conversation: ConversationDetailView }>(`/api/conversations/${id}/resolve`);
  expect(res.status).toBe(200);
  expect(res.body.conversation).toMatchObject({ id, status: racing ? expect.any(String) : 'resolved' });
}

describe('a resolved conversation and its next episode', () => {
  it('resolve → the run completes; a new text → episode 2, its own booking, needsAttention, a new run', { timeout: 120_000 }, async () => {
    const customer = uniquePhone();
    expect((await p.sendInbound({ from: customer, body: 'My furnace will not turn on. Can someone come?' })).status).toBe(200);
    const first = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      return c?.bookingStatus === 'created' ? c : null;
    }, { what: 'the first booking' });
    const reply = await csr.post(`/api/conversations/${first.id}/messages`, { body: 'A tech is on the way.' });
    expect(reply.status).toBe(202);
    await waitFor(async () => (await p.test.db.models.Message.findOne({ where: { conversationId: first.id, direction: 'outbound' } }))?.twilioSid);

    await resolve(first.id);
    const handle = await p.workflowFor(customer);
    const firstRun = await completed(handle);
    const open = await csr.get<ConversationPage>('/api/conversations');
    expect(open.body.items.map((c) => c.id)).not.toContain(first.id);
    const resolved = await csr.get<ConversationPage>('/api/conversations?status=resolved');
    expect(resolved.body.items.map((c) => c.id)).toContain(first.id);
    expect(resolved.body.counts.engaged).toBeGreaterThanOrEqual(1);

    // Three months later, a new problem.
    expect((await p.sendInbound({ from: customer, body: 'Hi again, now the AC is leaking water.' })).status).toBe(200);
    const second = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      return c?.episode === 2 && c.bookingStatus === 'created' ? c : null;
    }, { what: 'the second episode to be booked' });
    expect(second).toMatchObject({ id: first.id, status: 'open', needsAttention: true });
    expect(second.serviceTitanBookingId).not.toBe(first.serviceTitanBookingId);
    expect(bookingsOf(first.id).map((b) => b.body.externalId)).toEqual([
      `intellisend-conversation-${first.id}-episode-1`,
      `intellisend-conversation-${first.id}-episode-2`,
    ]);
    expect(second.pastEpisodes).toEqual([
      { episode: 1, bookingStatus: 'created', serviceTitanBookingId: first.serviceTitanBookingId, bookingLastError: null, serviceTitanJob: null },
    ]);

    // The first run stays Completed; a new run of the same workflow id handles episode 2.
    expect((await p.temporal.workflow.getHandle(handle.workflowId, firstRun.runId).describe()).status.name).toBe('COMPLETED');
    const secondRun = await handle.describe();
    expect(secondRun.runId).not.toBe(firstRun.runId);
    expect(secondRun.status.name).toBe('RUNNING');

    // A later message of the same episode never books again; the transcript shows both episodes.
    expect((await p.sendInbound({ from: customer, body: 'Also the thermostat is blank.' })).status).toBe(200);
    await filed(customer);
    expect(bookingsOf(first.id)).toHaveLength(2);
    const detail = await csr.get<ConversationWithMessages>(`/api/conversations/${first.id}`);
    expect(detail.body.conversation).toMatchObject({ status: 'open', episode: 2 });
    expect(detail.body.messages.map((m) => [m.episode, m.author])).toEqual([
      [1, 'customer'],
      [1, 'person'],
      [2, 'customer'],
      [2, 'customer'],
    ]);
  });

  it('resolves itself after the tenant’s idle time, and the run completes', { timeout: 60_000 }, async () => {
    await p.test.db.models.Tenant.update({ conversationIdleSeconds: 3 }, { where: { id: p.tenant.id } });
    try {
      const customer = uniquePhone();
      expect((await p.sendInbound({ from: customer, body: 'Do you service tankless water heaters?' })).status).toBe(200);
      const c = await filed(customer);
      const handle = await p.workflowFor(customer);
      await completed(handle);
      const after = await p.conversationWith(customer);
      expect(after).toMatchObject({ id: c.id, status: 'resolved' });
      expect(after!.resolvedAt!.getTime() - after!.lastMessageAt!.getTime()).toBeGreaterThanOrEqual(3_000);
    } finally {
      await p.test.db.models.Tenant.update({ conversationIdleSeconds: 7 * 24 * 3600 }, { where: { id: p.tenant.id } });
    }
  });

  it('a text that arrives while the run is completing is processed exactly once', { timeout: 120_000 }, async () => {
    const classified = new Map<string, number>();
    p.fakes.openai.setClassifier((text) => {
      const key = /round (\d+)/.exec(text)?.[0];
      if (key) classified.set(key, (classified.get(key) ?? 0) + 1);
      return classifyByKeywords(text);
    });
    try {
      const customer = uniquePhone();
      expect((await p.sendInbound({ from: customer, body: 'Can someone look at my boiler? round 0' })).status).toBe(200);
      const c = await filed(customer);
      const handle = await p.workflowFor(customer);
      // Resolve, and text at the same moment, a few times: some texts land while the run is finishing.
      for (let round = 1; round <= 4; round++) {
        const [, res] = await Promise.all([resolve(c.id, { racing: true }), p.sendInbound({ from: customer, body: `One more thing, round ${round}` })]);
        expect(res.status).toBe(200);
        await filed(customer);
      }
      const messages = await p.test.db.models.Message.findAll({ where: { conversationId: c.id, direction: 'inbound' } });
      expect(messages).toHaveLength(5);
      expect(messages.every((m) => m.filedAt && !m.relayPending)).toBe(true);
      for (let round = 0; round <= 4; round++) expect(classified.get(`round ${round}`), `round ${round}`).toBe(1);
      // Every run ended or is handling the conversation; never two at once.
      const runs: string[] = [];
      for await (const w of p.temporal.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs.push(w.status.name);
      expect(runs.filter((s) => s === 'RUNNING').length).toBeLessThanOrEqual(1);
    } finally {
      p.fakes.openai.setClassifier(null);
    }
  });
});
