// Temporal goes down. Twilio still gets its 200 within seconds, the message is stored (once, even when
// Twilio re-delivers it) and a CSR sees it in the inbox at once; when Temporal is back the relay hands it
// to the conversation workflow, which classifies and books it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import type { ConversationPage } from '../../api/conversations/find-conversations.ts';
import { createUser, twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startRestartableTemporal, type RestartableTemporal } from '../support/restartable-temporal.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let temporal: RestartableTemporal;
let p: Pipeline;
let csr: ApiClient;

beforeAll(async () => {
  temporal = await startRestartableTemporal('temporal-outage');
  // The API builds its own lazy connection, as in production.
  p = await startPipeline({ temporalAddress: temporal.address, lazyTemporal: true });
  const { user, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  csr = new ApiClient(p.baseUrl);
  await csr.login(user.email, password);
});
afterAll(async () => {
  await p?.close();
  await temporal?.dispose();
});

async function storedMessage(sid: string) {
  return p.test.db.models.Message.findOne({ where: { twilioSid: sid } });
}

describe('Temporal is down when a text arrives', () => {
  it('answers Twilio, shows the message in the inbox at once, and classifies and books it when Temporal is back', { timeout: 150_000 }, async () => {
    const { models } = p.test.db;

    // Everything works before the outage.
    const earlier = uniquePhone();
    const earlierSid = twilioMessageSid();
    expect((await p.sendInbound({ from: earlier, body: 'Can you service my furnace next week?', messageSid: earlierSid })).status).toBe(200);
    await waitFor(async () => (await p.conversationWith(earlier))?.classificationSource === 'ai', { what: 'the first message to be classified' });

    await temporal.stop();

    const customer = uniquePhone();
    const sid = twilioMessageSid();
    const body = 'Hi, the AC stopped cooling overnight. Can a tech come today?';
    const started = Date.now();
    const first = await p.sendInbound({ from: customer, body, messageSid: sid });
    const answeredInMs = Date.now() - started;
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/<Response\/>$/);
    // The webhook answers once the message is in Postgres, whatever Temporal is doing; Twilio gives us
    // 15 s before it counts the webhook as failed.
    console.info(`webhook answered in ${answeredInMs} ms while Temporal was down`);
    expect(answeredInMs).toBeLessThan(10_000);
    // Twilio re-delivers the same message (it did not see our answer in time, say).
    const again = await p.sendInbound({ from: customer, body, messageSid: sid });
    expect(again.status).toBe(200);

    // Stored once, waiting for the relay, and in the CSR's inbox right away.
    const waiting = await models.Message.findAll({ where: { twilioSid: sid } });
    expect(waiting.map((m) => [m.body, m.relayPending, m.filedAt])).toEqual([[body, true, null]]);
    const inbox = await csr.get<ConversationPage>('/api/conversations');
    expect(inbox.status).toBe(200);
    const shown = inbox.body.items.find((c) => c.contact.phone === customer);
    expect(shown?.lastMessage?.body).toBe(body);
    expect(shown).toMatchObject({ status: 'open', episode: 1 });

    await temporal.start();

    const conversation = await waitFor(
      async () => {
        const c = await p.conversationWith(customer);
        return c?.classificationSource === 'ai' ? c : null;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'the message to be recorded and classified after the outage' },
    );
    expect(conversation.category).toBe('engaged');
    expect(conversation.needsAttention).toBe(true);
    const messages = await models.Message.findAll({ where: { conversationId: conversation.id } });
    expect(messages.map((m) => [m.twilioSid, m.body])).toEqual([[sid, body]]);
    // The relay marks the row delivered right after the signal (batched), so possibly just after this.
    await waitFor(async () => (await storedMessage(sid))?.relayPending === false, { what: 'the message to be marked delivered' });
    // The conversation carries on as usual: it is booked once.
    await waitFor(async () => (await p.conversationWith(customer))?.serviceTitanBookingId, { timeoutMs: 30_000, what: 'the booking' });
    expect(p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => b.body.externalId === `intellisend-conversation-${conversation.id}-episode-1`)).toHaveLength(1);
    expect(await models.Message.count({ where: { twilioSid: earlierSid } })).toBe(1);
  });
});
