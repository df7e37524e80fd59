// No blind resends, end to end: the real API, Temporal dev server, worker, twilio SDK and fake Twilio.
// A reply whose answer Twilio lost is sent once and shows `unknown`; only a person's resend sends it
// again, once; a definite failure before Twilio took it is retried and delivered once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../../test/support/pipeline.ts';
import { createUser, uniquePhone } from '../../test/support/factories.ts';
import { ApiClient } from '../conversations/api-test-client.ts';
import type { ConversationWithMessages } from '../conversations/get-conversation.ts';
import type { MessageView } from '../conversations/present-conversation.ts';

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
beforeEach(() => p.fakes.twilio.faults.clear());

/** What the customer's phone received with this text. */
const received = (body: string) => p.fakes.twilio.messages.filter((m) => m.body === body);

async function newConversation(): Promise<{ id: string; customer: string }> {
  const customer = uniquePhone();
  expect((await p.sendInbound({ from: customer, body: 'Our water heater is leaking, can someone come today?' })).status).toBe(200);
  const conversation = await waitFor(async () => p.conversationWith(customer), { what: 'the conversation' });
  return { id: conversation.id, customer };
}

async function reply(conversationId: string, body: string): Promise<MessageView> {
  const res = await csr.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, { body });
  expect(res.status).toBe(202);
  return res.body.message;
}

const resend = (conversationId: string, messageId: string) =>
  csr.post<{ message: MessageView; error?: string; code?: string }>(`/api/conversations/${conversationId}/messages/${messageId}/resend`);

/** The message as GET /api/conversations/:id shows it, once `ready` holds. */
async function shown(conversationId: string, messageId: string, ready: (m: MessageView) => boolean, what: string): Promise<MessageView> {
  return waitFor(
    async () => {
      const detail = await csr.get<ConversationWithMessages>(`/api/conversations/${conversationId}`);
      const message = detail.body.messages.find((m) => m.id === messageId);
      return message && ready(message) ? message : null;
    },
    { what },
  );
}

/** Twilio took it: the row has its SID (its status stays Twilio's `queued`, as no callback reaches this test). */
async function sentToTwilio(messageId: string, what = 'the message to reach Twilio'): Promise<string> {
  return waitFor(async () => (await p.test.db.models.Message.findByPk(messageId))?.twilioSid, { what });
}

/** Sent through the same workflow after what came before: once it has a SID, the workflow is done with those. */
async function nextReplySent(conversationId: string): Promise<void> {
  const later = await reply(conversationId, `Later note ${uniquePhone()}`);
  await sentToTwilio(later.id, 'a later reply to be sent');
}

describe('an outbound SMS whose answer is lost', () => {
  it('is sent once and shows unknown; a person resends it exactly once more', async () => {
    const { id } = await newConversation();
    const body = `A technician can be there at 2pm. (${uniquePhone()})`;
    p.fakes.twilio.faults.set({ mode: 'lostAnswer', times: 1 });
    const lost = await reply(id, body);

    const unknown = await shown(id, lost.id, (m) => m.status === 'unknown', 'the reply to show unknown');
    expect(unknown).toMatchObject({ direction: 'outbound', body, status: 'unknown', resendOf: null });
    await nextReplySent(id);
    expect(received(body)).toHaveLength(1);
    expect((await p.test.db.models.Message.findByPk(lost.id))?.status).toBe('unknown');

    const res = await resend(id, lost.id);
    expect(res.status).toBe(202);
    expect(res.body.message).toMatchObject({ direction: 'outbound', body, status: 'queued', resendOf: lost.id });
    expect(res.body.message.id).not.toBe(lost.id);
    await sentToTwilio(res.body.message.id, 'the resent message to reach Twilio');
    await nextReplySent(id);
    expect(received(body)).toHaveLength(2);
    expect((await shown(id, lost.id, () => true, 'the original')).status).toBe('unknown');

    // A second resend of the same message (a double click) is refused: one resend, one more SMS.
    const again = await resend(id, lost.id);
    expect(again.status).toBe(409);
    expect(received(body)).toHaveLength(2);
  });

  it('is resolved by the status callback Twilio sends for it later', async () => {
    const { id } = await newConversation();
    const body = `We will call you back in 10 minutes. (${uniquePhone()})`;
    p.fakes.twilio.faults.set({ mode: 'lostAnswer', times: 1 });
    const lost = await reply(id, body);
    await shown(id, lost.id, (m) => m.status === 'unknown', 'the reply to show unknown');

    // The fake posted its callbacks to PUBLIC_BASE_URL, which is not this test's server: deliver the
    // final one (URL, form and signature exactly as Twilio made them) to the API.
    const [twilioMessage] = received(body);
    const delivered = await waitFor(async () => p.fakes.twilio.callbacks.find((c) => c.messageSid === twilioMessage?.sid && c.status === 'delivered'), {
      what: "the fake Twilio's delivered callback",
    });
    const url = new URL(delivered.url);
    expect(url.searchParams.get('messageId')).toBe(lost.id);
    const res = await fetch(p.baseUrl + url.pathname + url.search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': delivered.signature },
      body: new URLSearchParams(delivered.params).toString(),
    });
    expect(res.status).toBe(200);
    expect((await shown(id, lost.id, (m) => m.status === 'delivered', 'the reply to show delivered')).status).toBe('delivered');
    expect((await p.test.db.models.Message.findByPk(lost.id))?.twilioSid).toBe(twilioMessage?.sid);
    expect((await resend(id, lost.id)).status).toBe(409);
  });
});

describe('resend', () => {
  it('is refused (409) for a message that is not unknown, and 404 for one that is not in the conversation', async () => {
    const { id } = await newConversation();
    const sent = await reply(id, `See you Tuesday. (${uniquePhone()})`);
    await sentToTwilio(sent.id);
    const res = await resend(id, sent.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', error: expect.stringMatching(/unknown/) });

    const other = await newConversation();
    expect((await resend(other.id, sent.id)).status).toBe(404);
    expect((await resend(id, 'not-a-uuid')).status).toBe(404);
  });

  it('is refused (409) once the customer has opted out, and nothing more reaches Twilio', async () => {
    const { id, customer } = await newConversation();
    const body = `Can we confirm your address? (${uniquePhone()})`;
    p.fakes.twilio.faults.set({ mode: 'lostAnswer', times: 1 });
    const lost = await reply(id, body);
    await shown(id, lost.id, (m) => m.status === 'unknown', 'the reply to show unknown');
    await p.sendInbound({ from: customer, body: 'STOP' });
    await waitFor(async () => (await p.test.db.models.Contact.findOne({ where: { tenantId: p.tenant.id, phone: customer } }))?.optedOut, {
      what: 'the opt-out',
    });
    const res = await resend(id, lost.id);
    expect(res.status).toBe(409);
    expect(received(body)).toHaveLength(1);
  });
});

describe('a definite failure before Twilio took the message', () => {
  it('is retried and then delivered once', async () => {
    const { id } = await newConversation();
    const body = `Your appointment is confirmed. (${uniquePhone()})`;
    const before = p.fakes.twilio.requestCount;
    p.fakes.twilio.faults.set({ mode: 'down', status: 503, times: 2 });
    const queued = await reply(id, body);
    const sid = await sentToTwilio(queued.id, 'the reply to be sent after the outage');
    expect(received(body).map((m) => m.sid)).toEqual([sid]);
    expect((await shown(id, queued.id, () => true, 'the reply')).status).toBe('queued');
    expect(p.fakes.twilio.requestCount - before).toBe(3);
    expect(received(body)).toHaveLength(1);
  });
});
