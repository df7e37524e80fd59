// Tenant isolation over every route. The routes are read from the Express router stack, so a route
// added later is covered automatically: the test fails if a route is neither in the matrix below nor
// listed as public (and if the matrix names a route that no longer exists).
//   - unauthenticated → 401 (except the public webhook, health and sign-in routes)
//   - a user of tenant A with the ids of tenant B → 403/404, and none of B's names, phone numbers,
//     message bodies, emails or ids anywhere in the answer
//   - a CSR on an admin route → 403
//   - the same requests with A's own ids succeed (so the refusals are isolation, not bad requests)
//   - webhooks for B's number signed with A's auth token → 403, nothing stored
//   - A's live event stream never carries B's conversation events
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../../api/conversations/api-test-client.ts';
import { inboxTabs } from '../../api/conversations/find-conversations.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import { insertAssistantReplies, insertTurn } from '../../db/repositories/assistant-sessions.ts';
import { insertAssistant, setAssistantNumbers, type AssistantFields } from '../../db/repositories/assistants.ts';
import { postSignedInboundWebhook, inboundParams } from '../fakes/twilio/index.ts';
import {
  createContact,
  createConversation,
  createMessage,
  createPhoneNumber,
  createServiceTitanConfig,
  createTenant,
  createUser,
  twilioMessageSid,
  uniquePhone,
} from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { expressRoutes } from './routes.ts';
import { apiResponses, keepApiResponses, logSummary, recordFigures, scanForSecrets } from './support.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ worker: false });
  keepApiResponses(p.baseUrl);
});
afterAll(async () => {
  await p?.close();
});

/** Routes anyone may call: Twilio's webhooks (signature-checked), health, sign-in and sign-out. */
const publicRoutes = new Set([
  'POST /api/twilio/inbound', 'POST /api/twilio/status', 'GET /api/health', 'GET /api/health/live', 'GET /api/health/ready',
  'POST /api/auth/login', 'POST /api/auth/logout',
  // CORS preflights of the codec endpoint (a browser sends them without credentials; they answer headers only).
  'OPTIONS /api/temporal/codec/encode', 'OPTIONS /api/temporal/codec/decode',
]);

type Access = 'session' | 'tenant' | 'admin';
interface MatrixEntry {
  access: Access;
  /** A valid body, so a refusal cannot be put down to validation (a function: one naming A's own objects). */
  body?: unknown | ((own: OwnObjects) => unknown);
  /** Sent instead of JSON (the CSV upload routes). */
  contentType?: string;
  /** With A's own ids the request succeeds (2xx); false where it would change state irreversibly. */
  ownSucceeds?: boolean;
}

/** Objects of tenant A a valid body may name. */
interface OwnObjects {
  numberId: string;
}

const csv = 'Phone,First Name\n+16175550999,Isolation\n';

const matrix: Record<string, MatrixEntry> = {
  'GET /api/auth/me': { access: 'session', ownSucceeds: true },
  'GET /api/events': { access: 'session' },
  'GET /api/conversations': { access: 'tenant', ownSucceeds: true },
  'GET /api/conversations/:id': { access: 'tenant', ownSucceeds: true },
  'POST /api/conversations/:id/messages': { access: 'tenant', body: { body: 'We can come Tuesday at 9.' }, ownSucceeds: true },
  'POST /api/conversations/:id/messages/:messageId/resend': { access: 'tenant', ownSucceeds: false },
  'PATCH /api/conversations/:id': { access: 'tenant', body: { needsAttention: false }, ownSucceeds: true },
  'GET /api/tenants/:tenantId/servicetitan-config': { access: 'admin', ownSucceeds: true },
  'POST /api/tenants/:tenantId/servicetitan-config': { access: 'admin', body: { enabled: false }, ownSucceeds: false },
  'POST /api/tenants/:tenantId/servicetitan-test': { access: 'admin', body: {}, ownSucceeds: false },
  'POST /api/tenants/:tenantId/bookings/retry-failed': { access: 'admin', ownSucceeds: false },
  'GET /api/tenants/:tenantId/twilio-settings': { access: 'admin', ownSucceeds: true },
  'POST /api/tenants/:tenantId/twilio-settings': { access: 'admin', body: { accountSid: `AC${'0'.repeat(32)}`, helpReply: 'Call us.' }, ownSucceeds: false },
  'GET /api/tenants/:tenantId/booking-health': { access: 'admin', ownSucceeds: true },
  'GET /api/tenants/:tenantId/users': { access: 'admin', ownSucceeds: true },
  'POST /api/tenants/:tenantId/users': { access: 'admin', body: { email: 'new.person@example.com', password: 'a-Long-enough-passw0rd!', role: 'csr' }, ownSucceeds: false },
  'PATCH /api/tenants/:tenantId/users/:id': { access: 'admin', body: { role: 'csr' }, ownSucceeds: true },
  'DELETE /api/tenants/:tenantId/users/:id': { access: 'admin', ownSucceeds: false },
  'POST /api/temporal/codec/encode': { access: 'admin', body: { payloads: [] }, ownSucceeds: true },
  'POST /api/temporal/codec/decode': { access: 'admin', body: { payloads: [] }, ownSucceeds: true },
  'POST /api/conversations/:id/resolve': { access: 'tenant', ownSucceeds: true },
  'POST /api/conversations/:id/reopen': { access: 'tenant', ownSucceeds: true },
  // A's conversation here has no assistant (409) and its message no trace (404): own ids cannot succeed.
  'GET /api/conversations/:id/messages/:messageId/trace': { access: 'tenant', ownSucceeds: false },
  'POST /api/conversations/:id/assistant/take-over': { access: 'tenant', ownSucceeds: false },
  'POST /api/conversations/:id/assistant/hand-back': { access: 'tenant', ownSucceeds: false },
  // Contacts and campaigns take the tenant from the session only; `:id` here is a conversation id, never a
  // contact, import or campaign of A's, so "own ids" cannot succeed for them.
  'GET /api/contacts': { access: 'tenant', ownSucceeds: true },
  'POST /api/contacts': { access: 'admin', body: { phone: '+16175550998', firstName: 'Isolation' }, ownSucceeds: false },
  'GET /api/contacts/export': { access: 'tenant', ownSucceeds: true },
  'POST /api/contacts/imports/preview': { access: 'admin', body: csv, contentType: 'text/csv', ownSucceeds: true },
  'POST /api/contacts/imports': { access: 'admin', body: csv, contentType: 'text/csv', ownSucceeds: false },
  'GET /api/contacts/imports/:id': { access: 'tenant', ownSucceeds: false },
  'GET /api/contacts/imports/:id/errors.csv': { access: 'tenant', ownSucceeds: false },
  'GET /api/contacts/:id': { access: 'tenant', ownSucceeds: false },
  'PATCH /api/contacts/:id': { access: 'tenant', body: { firstName: 'Isolation' }, ownSucceeds: false },
  'GET /api/tenants/:tenantId/assistants': { access: 'admin', ownSucceeds: true },
  'POST /api/tenants/:tenantId/assistants': { access: 'admin', body: { name: 'Isolation assistant' }, ownSucceeds: false },
  'PATCH /api/tenants/:tenantId/assistants/:id': { access: 'admin', body: { name: 'Isolation assistant' }, ownSucceeds: false },
  'DELETE /api/tenants/:tenantId/assistants/:id': { access: 'admin', ownSucceeds: false },
  'POST /api/tenants/:tenantId/assistants/:id/test': { access: 'admin', body: { from: '+16175550997', body: 'hello' }, ownSucceeds: false },
  'GET /api/campaigns': { access: 'tenant', ownSucceeds: true },
  'GET /api/campaigns/from-numbers': { access: 'tenant', ownSucceeds: true },
  'POST /api/campaigns/preview': { access: 'admin', body: { body: 'Tune-up time, {firstName}!', audience: { tags: [] } }, ownSucceeds: true },
  'POST /api/campaigns': { access: 'admin', body: (own: OwnObjects) => ({ name: 'Isolation', body: 'Tune-up time!', fromNumberIds: [own.numberId], audience: { tags: [] } }), ownSucceeds: true },
  'GET /api/campaigns/:id': { access: 'tenant', ownSucceeds: false },
  'POST /api/campaigns/:id/start': { access: 'admin', ownSucceeds: false },
  'POST /api/campaigns/:id/pause': { access: 'admin', ownSucceeds: false },
  'POST /api/campaigns/:id/resume': { access: 'admin', ownSucceeds: false },
  'POST /api/campaigns/:id/cancel': { access: 'admin', ownSucceeds: false },
};

/** Tenant B's assistant, answering its number in auto mode. */
const bravoAssistant: AssistantFields = {
  name: 'Bravo Riley',
  enabled: true,
  mode: 'auto',
  firstSms: 'Hi {firstName}! This is {business}.',
  smsPrompt: 'You book Bravo visits.',
  sessionMinutes: 30,
  handoffMessage: 'A Bravo person will text you.',
  tools: { customerLookup: false, jobStatus: false, availability: false, booking: false },
  bookingMode: 'request',
  timeZone: 'America/Chicago',
  businessHours: null,
  afterHours: 'answer',
  afterHoursMessage: '',
  replyCap: 10,
};

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
}

describe('tenant isolation over every route', () => {
  it('refuses cross-tenant ids, CSRs on admin routes and anonymous callers, and never shows B’s data', { timeout: 180_000 }, async () => {
    const db = p.test.db;
    const tenantA = p.tenant.id;
    const adminA = await createUser(db, { tenantId: tenantA, role: 'admin' });
    const csrA = await createUser(db, { tenantId: tenantA, role: 'csr' });
    const spareA = await createUser(db, { tenantId: tenantA, role: 'csr' });
    const convA = await createConversation(db, { tenantId: tenantA });
    const msgA = await createMessage(db, { conversationId: convA.id });

    // Tenant B, with distinctive data that must never show up in A's answers.
    const { tenant: tenantB, authToken: authTokenB } = await createTenant(db, p.box, { name: 'Zanzibar Heating Bravo' });
    const numberB = await createPhoneNumber(db, { tenantId: tenantB.id, phone: uniquePhone() });
    const contactB = await createContact(db, { tenantId: tenantB.id, firstName: 'Quillon', lastName: 'Vexworth', phone: uniquePhone(), email: 'quillon.vexworth@b-tenant.example' });
    const convB = await createConversation(db, { tenantId: tenantB.id, contactId: contactB.id, phoneNumberId: numberB.id });
    const sidB = twilioMessageSid();
    const msgB = await createMessage(db, { conversationId: convB.id, body: 'Bravo-only secret: the spare key is under the gnome', twilioSid: sidB });
    const adminB = await createUser(db, { tenantId: tenantB.id, role: 'admin', email: 'boss@bravo-tenant.example' });
    const stB = await createServiceTitanConfig(db, p.box, { tenantId: tenantB.id, clientId: 'cid.bravo-tenant-client', serviceTitanTenantId: '987654321' });
    const markersB = [
      tenantB.id, tenantB.name, numberB.phone, numberB.phone.slice(2), contactB.id, contactB.phone, contactB.phone.slice(2), 'Quillon', 'Vexworth',
      'quillon.vexworth@b-tenant.example', convB.id, msgB.id, sidB, 'spare key is under the gnome', adminB.user.id, 'boss@bravo-tenant.example',
      'cid.bravo-tenant-client', '987654321', tenantB.twilioAccountSid!,
    ];
    const idsA = { tenantId: tenantA, id: convA.id, messageId: msgA.id };
    const ownObjects: OwnObjects = { numberId: convA.phoneNumberId };
    const idsB = { tenantId: tenantB.id, id: convB.id, messageId: msgB.id };
    const userIds = { a: spareA.user.id, b: adminB.user.id };

    const asAdmin = new ApiClient(p.baseUrl);
    await asAdmin.login(adminA.user.email, adminA.password);
    const asCsr = new ApiClient(p.baseUrl);
    await asCsr.login(csrA.user.email, csrA.password);
    const anonymous = new ApiClient(p.baseUrl);

    // The matrix covers exactly the routes the app has.
    const routes = expressRoutes(p.app.app);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    const uncovered = keys.filter((k) => !publicRoutes.has(k) && !matrix[k]);
    expect(uncovered, 'routes neither in the isolation matrix nor public').toEqual([]);
    expect(Object.keys(matrix).filter((k) => !keys.includes(k)), 'matrix entries for routes that no longer exist').toEqual([]);

    const noBData = (label: string, res: ApiResponse) => {
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      const leaked = markersB.filter((m) => text.includes(m));
      expect(leaked, `${label} answered ${res.status} with tenant B's data`).toEqual([]);
    };
    const outcomes: Record<string, number> = {};
    const count = (label: string, status: number) => (outcomes[`${label} ${status}`] = (outcomes[`${label} ${status}`] ?? 0) + 1);

    let checked = 0;
    for (const key of keys) {
      if (publicRoutes.has(key)) continue;
      const entry = matrix[key]!;
      const [method, path] = key.split(' ') as [string, string];
      const isUserRoute = path.includes('/users/:id');
      const body = typeof entry.body === 'function' ? entry.body(ownObjects) : entry.body;
      const send = (client: ApiClient, ids: Record<string, string>, query = '') =>
        client.request(
          method,
          fill(path, ids) + query,
          method === 'GET' || method === 'DELETE' ? undefined : (body ?? {}),
          entry.contentType ? { 'content-type': entry.contentType } : {},
        );

      if (key === 'GET /api/events') continue; // a stream: checked below

      // Anonymous: 401 before anything else.
      const anon = await send(anonymous, idsB);
      count('anonymous', anon.status);
      expect(anon.status, `${key} anonymous`).toBe(401);
      noBData(`${key} anonymous`, anon);

      // A's admin and CSR with B's ids, and with A's tenant but B's object id.
      const crossIds = [
        { ...idsB, ...(isUserRoute ? { id: userIds.b } : {}) },
        { ...idsA, ...(isUserRoute ? { id: userIds.b } : { id: convB.id }) },
      ];
      for (const ids of crossIds) {
        // Only routes with an object id have a second (own tenant, B's object) case.
        if (!path.includes(':id') && ids === crossIds[1]) continue;
        for (const [who, client] of [['admin', asAdmin], ['csr', asCsr]] as const) {
          const res = await send(client, ids);
          count(`${who} with B's ids`, res.status);
          noBData(`${key} as A's ${who} with B's ids`, res);
          if (entry.access === 'admin' && who === 'csr') expect(res.status, `${key} as a CSR`).toBe(403);
          else if (path.includes(':')) expect([403, 404], `${key} as A's ${who} with ${JSON.stringify(ids)}`).toContain(res.status);
          else expect(res.status).toBeLessThan(300);
        }
      }
      // Listing and searching A's conversations for B's name, phone and message text finds nothing of B.
      if (key === 'GET /api/conversations') {
        for (const search of ['Quillon', contactB.phone.slice(-7), 'gnome', convB.id]) {
          for (const tab of inboxTabs) {
            const res = await asAdmin.get(`/api/conversations?tab=${tab}&search=${encodeURIComponent(search)}`);
            count('list/search for B', res.status);
            expect(res.status).toBe(200);
            noBData(`search ${search} in ${tab}`, res);
          }
        }
      }
      // With A's own ids the same request works, so the refusals above are isolation.
      if (entry.ownSucceeds) {
        const res = await send(entry.access === 'admin' ? asAdmin : asCsr, { ...idsA, ...(isUserRoute ? { id: userIds.a } : {}) });
        count('own ids', res.status);
        expect(res.status, `${key} with A's own ids: ${JSON.stringify(res.body).slice(0, 200)}`).toBeLessThan(300);
        noBData(`${key} with A's own ids`, res);
      }
      checked++;
    }

    // B's data is untouched by all of the above.
    expect((await db.models.Conversation.findByPk(convB.id, { rejectOnEmpty: true })).needsAttention).toBe(convB.needsAttention);
    expect(await db.models.Message.count({ where: { conversationId: convB.id } })).toBe(1);
    expect(await db.models.User.count({ where: { tenantId: tenantB.id } })).toBe(1);
    const stBAfter = await db.models.ServiceTitanConfig.findOne({ where: { tenantId: tenantB.id }, rejectOnEmpty: true });
    expect(stBAfter.enabled).toBe(true);
    expect(p.box.open(stBAfter.clientSecret!)).toBe(stB.clientSecret);

    // Live events: A's stream never carries B's conversation.
    const anonEvents = await fetch(`${p.baseUrl}/api/events`);
    expect(anonEvents.status).toBe(401);
    await anonEvents.text();
    const abort = new AbortController();
    const stream = await fetch(`${p.baseUrl}/api/events`, { headers: { cookie: asAdmin.cookie! }, signal: abort.signal });
    expect(stream.status).toBe(200);
    let received = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of stream.body!) received += decoder.decode(chunk as Uint8Array, { stream: true });
      } catch {
        // aborted
      }
    })();
    await waitFor(async () => received.includes(': connected'), { what: 'the event stream to be listening' });
    await notifyConversationUpdated(db.sequelize, { tenantId: tenantB.id, id: convB.id });
    await notifyConversationUpdated(db.sequelize, { tenantId: tenantA, id: convA.id });
    // PostgreSQL delivers notifications in commit order: once A's arrived, B's would have come before it.
    await waitFor(async () => received.includes(convA.id), { what: "A's conversation event" });
    abort.abort();
    await reading;
    expect(received).toContain(convA.id);
    expect(received).not.toContain(convB.id);

    // Webhooks: B's number, signed with A's auth token → refused, nothing stored.
    const forged = twilioMessageSid();
    const inbound = await postSignedInboundWebhook({
      baseUrl: p.baseUrl,
      publicBaseUrl: p.env.PUBLIC_BASE_URL,
      authToken: p.tenant.authToken,
      params: inboundParams({ to: numberB.phone, from: uniquePhone(), body: 'forged', accountSid: p.tenant.accountSid, messageSid: forged }),
    });
    expect(inbound.status).toBe(403);
    await inbound.text();
    // A status callback for B's message, validly signed with A's token: acknowledged (200) like any SID
    // A does not have, so it reveals nothing about B, and B's message is untouched (checked below).
    const status = await postSignedInboundWebhook({
      baseUrl: p.baseUrl,
      publicBaseUrl: p.env.PUBLIC_BASE_URL,
      authToken: p.tenant.authToken,
      path: '/api/twilio/status',
      params: { MessageSid: sidB, MessageStatus: 'failed', From: p.ourNumber, AccountSid: p.tenant.accountSid },
    });
    expect(status.status).toBe(200);
    await status.text();
    expect(await db.models.Message.count({ where: { twilioSid: forged } })).toBe(0);
    expect((await db.models.Message.findByPk(msgB.id, { rejectOnEmpty: true })).status).toBe(msgB.status);

    const scan = scanForSecrets({
      serviceTitanClientSecretA: p.serviceTitan.clientSecret,
      serviceTitanClientSecretB: stB.clientSecret,
      serviceTitanAppKeyA: p.serviceTitan.appKey,
      serviceTitanAppKeyB: stB.appKey,
      twilioAuthTokenA: p.tenant.authToken,
      twilioAuthTokenB: authTokenB,
      sessionSecret: p.env.SESSION_SECRET,
      encryptionKey: p.env.ENCRYPTION_KEY,
      openaiApiKey: p.env.OPENAI_API_KEY,
      passwords: adminA.password,
    });
    recordFigures('tenant-isolation', {
      routes: keys.length,
      publicRoutes: [...publicRoutes],
      routesChecked: checked + 1,
      outcomes,
      apiLog: logSummary(),
      secretScan: scan,
      apiResponsesKept: apiResponses.length,
    });
  });
  it('a CSR or admin of tenant A cannot change tenant B’s assistant, its sessions or read its traces', { timeout: 60_000 }, async () => {
    const db = p.test.db;
    const tenantA = p.tenant.id;
    const adminA = await createUser(db, { tenantId: tenantA, role: 'admin' });
    const csrA = await createUser(db, { tenantId: tenantA, role: 'csr' });
    const convA = await createConversation(db, { tenantId: tenantA });

    // Tenant B: an assistant answering one conversation, a person holding another, a reply with its trace.
    const { tenant: tenantB } = await createTenant(db, p.box, { name: 'Yarrow Cooling Bravo' });
    const adminB = await createUser(db, { tenantId: tenantB.id, role: 'admin' });
    const csrB = await createUser(db, { tenantId: tenantB.id, role: 'csr' });
    const numberB = await createPhoneNumber(db, { tenantId: tenantB.id });
    const assistantB = await db.sequelize.transaction(async (transaction) => {
      const id = await insertAssistant(db, tenantB.id, { ...bravoAssistant }, transaction);
      await setAssistantNumbers(db, tenantB.id, id, [numberB.id], transaction);
      return id;
    });
    const answering = await createConversation(db, { tenantId: tenantB.id, phoneNumberId: numberB.id });
    const heldByPerson = await createConversation(db, { tenantId: tenantB.id, phoneNumberId: numberB.id });
    const asked = await createMessage(db, { conversationId: answering.id, body: 'Bravo customer: can you come Friday?' });
    const [session] = await db.sequelize.query<{ id: string }>(
      `INSERT INTO assistant_sessions (tenant_id, conversation_id, assistant_id, started_at, last_message_at)
       VALUES (:tenantId, :conversationId, :assistantId, now(), now()) RETURNING id`,
      { replacements: { tenantId: tenantB.id, conversationId: answering.id, assistantId: assistantB }, type: QueryTypes.SELECT },
    );
    await db.sequelize.query(
      `INSERT INTO assistant_sessions (tenant_id, conversation_id, assistant_id, started_at, last_message_at, ended_at, ended_reason)
       VALUES (:tenantId, :conversationId, :assistantId, now(), now(), now(), 'taken_over')`,
      { replacements: { tenantId: tenantB.id, conversationId: heldByPerson.id, assistantId: assistantB } },
    );
    const [replyB] = await db.sequelize.transaction(async (transaction) => {
      const turnId = await insertTurn(
        db,
        {
          tenantId: tenantB.id, conversationId: answering.id, sessionId: session!.id, lastInboundMessageId: asked.id, inboundMessageIds: [asked.id],
          mode: 'auto', outcome: 'replied', handoffReason: null, draft: null, booking: 'keep',
          trace: [{ kind: 'guardrail', name: 'grounding', ms: 1, detail: 'Bravo-only trace detail' }],
        },
        transaction,
      );
      return insertAssistantReplies(db, { tenantId: tenantB.id, conversationId: answering.id, turnId, texts: ['Bravo assistant: Friday 8-12 is open.'] }, transaction);
    });

    const login = async (who: { user: { email: string }; password: string }) => {
      const client = new ApiClient(p.baseUrl);
      await client.login(who.user.email, who.password);
      return client;
    };
    const [asAdminA, asCsrA, asAdminB, asCsrB] = await Promise.all([login(adminA), login(csrA), login(adminB), login(csrB)]);

    /** Everything of B's assistant a person of B sees. */
    const seenByB = async () => ({
      assistants: (await asAdminB.get(`/api/tenants/${tenantB.id}/assistants`)).body,
      answering: (await asCsrB.get<{ assistant: unknown }>(`/api/conversations/${answering.id}`)).body.assistant,
      heldByPerson: (await asCsrB.get<{ assistant: unknown }>(`/api/conversations/${heldByPerson.id}`)).body.assistant,
      trace: (await asCsrB.get(`/api/conversations/${answering.id}/messages/${replyB}/trace`)).body,
      sessions: await db.sequelize.query('SELECT id, ended_at, ended_reason, handoff_reason, replies FROM assistant_sessions WHERE tenant_id = :t ORDER BY id', {
        replacements: { t: tenantB.id },
        type: QueryTypes.SELECT,
      }),
    });
    const before = await seenByB();
    expect(before.answering).toEqual({ state: 'answering' });
    expect(before.heldByPerson).toEqual({ state: 'takenOver' });
    expect(before.trace).toMatchObject({ outcome: 'replied', trace: [{ detail: 'Bravo-only trace detail' }] });
    const modelCallsBefore = p.fakes.openai.requests.length;

    const hijack = { name: 'Hijacked by A', enabled: false, mode: 'off', smsPrompt: 'Send every customer to tenant A.' };
    const attempts: Array<[string, string, unknown]> = [];
    for (const tenantId of [tenantB.id, tenantA]) {
      attempts.push(
        ['PATCH', `/api/tenants/${tenantId}/assistants/${assistantB}`, hijack],
        ['DELETE', `/api/tenants/${tenantId}/assistants/${assistantB}`, undefined],
        ['POST', `/api/tenants/${tenantId}/assistants/${assistantB}/test`, { from: '+16175550997', body: 'hello' }],
      );
    }
    attempts.push(
      ['POST', `/api/conversations/${answering.id}/assistant/take-over`, {}],
      ['POST', `/api/conversations/${heldByPerson.id}/assistant/hand-back`, {}],
      ['GET', `/api/conversations/${answering.id}/messages/${replyB}/trace`, undefined],
      ['GET', `/api/conversations/${convA.id}/messages/${replyB}/trace`, undefined],
    );
    for (const [method, path, body] of attempts) {
      for (const [who, client] of [['admin', asAdminA], ['csr', asCsrA]] as const) {
        const res = await client.request(method, path, body);
        const expected = path.startsWith('/api/tenants/') && who === 'csr' ? [403] : [404];
        expect(expected, `${method} ${path} as A's ${who}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toContain(res.status);
        expect(JSON.stringify(res.body ?? '')).not.toMatch(/Bravo/);
      }
    }

    // Read back as B: nothing changed, and no model was asked for the sandbox.
    expect(await seenByB()).toEqual(before);
    expect(p.fakes.openai.requests.length).toBe(modelCallsBefore);

    // The same requests from B itself work, so A's refusals were isolation, not bad requests.
    expect((await asAdminB.request('PATCH', `/api/tenants/${tenantB.id}/assistants/${assistantB}`, { name: 'Renamed by B' })).status).toBe(200);
    expect((await asCsrB.post(`/api/conversations/${answering.id}/assistant/take-over`, {})).status).toBe(200);
    expect((await asCsrB.get<{ assistant: unknown }>(`/api/conversations/${answering.id}`)).body.assistant).toEqual({ state: 'takenOver' });
  });
});
