import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { inboundParams, postSignedInboundWebhook } from '../../test/fakes/twilio/index.ts';
import { createConversation, createPhoneNumber, createTenant, createUser, twilioMessageSid, uniquePhone } from '../../test/support/factories.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';

let test: TestDatabase;
let api: RunningApi;
const box = new SecretBox(Buffer.alloc(32, 3).toString('base64'));

beforeAll(async () => {
  test = await createTestDatabase();
  api = await startApi(test.db, { temporalAddress: '127.0.0.1:1', box });
});

afterAll(async () => {
  await api?.close();
  await test?.drop();
});

/** An open event stream and everything it has received so far. */
async function openStream(client: ApiClient) {
  const abort = new AbortController();
  const res = await fetch(`${api.baseUrl}/api/events`, { headers: { cookie: client.cookie ?? '' }, signal: abort.signal });
  let text = '';
  const reading = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // aborted
    }
  })();
  return {
    res,
    get text() {
      return text;
    },
    async waitFor(pattern: string, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(pattern)) {
        if (Date.now() > deadline) throw new Error(`no "${pattern}" in stream: ${JSON.stringify(text)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      abort.abort();
      await reading;
    },
  };
}

async function tenantWithUser() {
  const { tenant, authToken } = await createTenant(test.db, box);
  const { user, password } = await createUser(test.db, { tenantId: tenant.id, role: 'csr' });
  const client = new ApiClient(api.baseUrl);
  await client.login(user.email, password);
  return { tenantId: tenant.id, accountSid: tenant.twilioAccountSid ?? '', authToken, client };
}

describe('GET /api/events', () => {
  it('needs a session', async () => {
    expect((await fetch(`${api.baseUrl}/api/events`)).status).toBe(401);
  });

  it("streams conversation.updated for the user's tenant only, over one LISTEN connection", async () => {
    const a = await tenantWithUser();
    const b = await tenantWithUser();
    const mine = await createConversation(test.db, { tenantId: a.tenantId });
    const theirs = await createConversation(test.db, { tenantId: b.tenantId });
    const streamA = await openStream(a.client);
    const streamA2 = await openStream(a.client);
    const streamB = await openStream(b.client);
    try {
      expect(streamA.res.status).toBe(200);
      expect(streamA.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await streamA.waitFor(': connected');
      const listeners = await test.db.sequelize.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
        { plain: true },
      );
      expect(listeners?.n).toBe(1);

      await notifyConversationUpdated(test.db.sequelize, { tenantId: b.tenantId, id: theirs.id });
      await notifyConversationUpdated(test.db.sequelize, { tenantId: a.tenantId, id: mine.id });
      const expected = `event: conversation.updated\ndata: {"id":"${mine.id}"}\n\n`;
      await streamA.waitFor(expected);
      await streamA2.waitFor(expected);
      await streamB.waitFor(`data: {"id":"${theirs.id}"}`);
      expect(streamA.text).not.toContain(theirs.id);
      expect(streamB.text).not.toContain(mine.id);

      // A person's correction announces itself too.
      const res = await a.client.patch(`/api/conversations/${mine.id}`, { needsAttention: true });
      expect(res.status).toBe(200);
      await streamA.waitFor(`data: {"id":"${mine.id}"}\n\nevent: conversation.updated\ndata: {"id":"${mine.id}"}`);
    } finally {
      await Promise.all([streamA.close(), streamA2.close(), streamB.close()]);
    }
    await expect.poll(() => api.app.events.subscriberCount).toBe(0);
  });

  it("announces a customer's text the webhook stored, with Temporal unreachable", async () => {
    const a = await tenantWithUser();
    const ourNumber = await createPhoneNumber(test.db, { tenantId: a.tenantId });
    const stream = await openStream(a.client);
    try {
      await stream.waitFor(': connected');
      const res = await postSignedInboundWebhook({
        baseUrl: api.baseUrl,
        publicBaseUrl: 'https://intellisend.test',
        authToken: a.authToken,
        params: inboundParams({ to: ourNumber.phone, from: uniquePhone(), body: 'Is anyone there?', accountSid: a.accountSid, messageSid: twilioMessageSid() }),
      });
      expect(res.status).toBe(200);
      const [conversation] = await test.db.models.Conversation.findAll({ where: { tenantId: a.tenantId } });
      await stream.waitFor(`event: conversation.updated\ndata: {"id":"${conversation?.id}"}`);
    } finally {
      await stream.close();
    }
  });
});
