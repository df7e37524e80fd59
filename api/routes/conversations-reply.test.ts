// A reply end to end: the real API, Temporal dev server, worker and fake Twilio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../../test/support/pipeline.ts';
import { createUser, uniquePhone } from '../../test/support/factories.ts';
import { ApiClient } from '../conversations/api-test-client.ts';
import type { ConversationPage } from '../conversations/find-conversations.ts';
import type { ConversationWithMessages } from '../conversations/get-conversation.ts';

let p: Pipeline;
let csr: ApiClient;

beforeAll(async () => {
  p = await startPipeline({ serviceTitan: false });
  const { user, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  csr = new ApiClient(p.baseUrl);
  await csr.login(user.email, password);
});

afterAll(async () => {
  await p?.close();
});

describe('POST /api/conversations/:id/messages', () => {
  it('sends the reply through the workflow to Twilio and clears needsAttention', async () => {
    const customer = uniquePhone();
    expect((await p.sendInbound({ from: customer, body: 'My furnace is making a banging noise, can someone look at it?' })).status).toBe(200);
    const conversation = await waitFor(
      async () => {
        const c = await p.conversationWith(customer);
        return c?.needsAttention ? c : null;
      },
      { what: 'the inbound message to be classified as needing attention' },
    );
    const listed = await csr.get<ConversationPage>('/api/conversations');
    expect(listed.body.items[0]?.id).toBe(conversation.id);
    expect(listed.body.items[0]?.needsAttention).toBe(true);

    const body = 'Hi! A technician can come by tomorrow between 8 and 10am. Does that work?';
    const res = await csr.post<{ message: { id: string; direction: string; body: string; status: string } }>(
      `/api/conversations/${conversation.id}/messages`,
      { body: `  ${body}\n` },
    );
    expect(res.status).toBe(202);
    expect(res.body.message).toMatchObject({ direction: 'outbound', body, status: 'queued' });

    const sent = await waitFor(async () => p.fakes.twilio.messages.find((m) => m.body === body), { what: 'the reply at the fake Twilio' });
    expect(sent).toMatchObject({ to: customer, from: p.ourNumber, accountSid: p.tenant.accountSid });

    const detail = await csr.get<ConversationWithMessages>(`/api/conversations/${conversation.id}`);
    expect(detail.body.conversation.needsAttention).toBe(false);
    const reply = detail.body.messages.at(-1)!;
    expect(reply).toMatchObject({ id: res.body.message.id, direction: 'outbound', body });
    const row = await waitFor(async () => {
      const m = await p.test.db.models.Message.findByPk(res.body.message.id);
      return m?.twilioSid ? m : null;
    });
    expect(row.twilioSid).toBe(sent.sid);
    expect(row.authorUserId).toBe(reply.authorUserId);
  });

  it('answers 409 once the customer has texted STOP, and nothing reaches Twilio', async () => {
    const customer = uniquePhone();
    await p.sendInbound({ from: customer, body: 'I need a quote for a new water heater' });
    const conversation = await waitFor(async () => p.conversationWith(customer), { what: 'the conversation' });
    await p.sendInbound({ from: customer, body: 'STOP' });
    await waitFor(async () => {
      const contact = await p.test.db.models.Contact.findOne({ where: { tenantId: p.tenant.id, phone: customer } });
      return contact?.optedOut;
    });
    const before = p.fakes.twilio.messages.length;
    const res = await csr.post(`/api/conversations/${conversation.id}/messages`, { body: 'Please reconsider!' });
    expect(res.status).toBe(409);
    // Nothing can be sent later either: a reply goes out only from a stored outbound row, and the 409
    // stored none (the refusal comes before anything is written or signalled).
    expect(await p.test.db.models.Message.count({ where: { conversationId: conversation.id, direction: 'outbound' } })).toBe(0);
    expect(p.fakes.twilio.messages.filter((m) => m.to === customer).length).toBe(0);
    expect(p.fakes.twilio.messages.length).toBe(before);
  });
});
