// Assistants settings and the sandbox: real PostgreSQL, the real app, signed-in clients; the sandbox
// drives the real openai SDK against the fake OpenAI and our ServiceTitan client against the fake.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantView, SandboxAnswer } from '../../contract/assistants.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fakes/openai/index.ts';
import { seedAssistantData, startFakeServiceTitan, type AssistantSeed, type FakeServiceTitan } from '../../test/fakes/servicetitan/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createPhoneNumber, createServiceTitanConfig, createTenant, createUser } from '../../test/support/factories.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';

const box = new SecretBox(randomBytes(32).toString('base64'));
const openAIKey = 'sk-sandbox-test-key-0001';
const appKey = 'ak1.sandbox-app-key';
const st = { tenantId: '881001', clientId: 'cid.sandbox', clientSecret: 'cs1.sandbox-secret' };
let test: TestDatabase;
let api: RunningApi;
let openai: FakeOpenAI;
let fakeSt: FakeServiceTitan;
let seed: AssistantSeed;
let tenantId: string;
let plainTenantId: string;
let admin: ApiClient;
let plainAdmin: ApiClient;
let csr: ApiClient;
let otherAdmin: ApiClient;

interface ErrorBody {
  error: string;
  fields?: Record<string, string>;
}

async function signedIn(tenant: string, role: 'admin' | 'csr'): Promise<ApiClient> {
  const { user, password } = await createUser(test.db, { tenantId: tenant, role });
  const client = new ApiClient(api.baseUrl);
  await client.login(user.email, password);
  return client;
}

beforeAll(async () => {
  test = await createTestDatabase();
  openai = await startFakeOpenAI({ apiKey: openAIKey });
  fakeSt = await startFakeServiceTitan({ appKey, tenants: [{ ...st, bookingProviderTags: [{ id: 77, name: 'IntelliSend' }] }] });
  seed = seedAssistantData(fakeSt, { tenantId: st.tenantId, timeZone: 'America/Chicago' });
  api = await startApi(test.db, { temporalAddress: '127.0.0.1:1', box, env: { OPENAI_API_KEY: openAIKey, OPENAI_BASE_URL: openai.url } });
  tenantId = (await createTenant(test.db, box)).tenant.id;
  await createServiceTitanConfig(test.db, box, {
    tenantId,
    tenantApiBaseUrl: fakeSt.url,
    authUrl: fakeSt.authUrl,
    serviceTitanTenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    appKey,
    bookingProvider: '77',
    businessUnitId: 11,
    jobTypeId: 21,
    campaignId: 31,
  });
  plainTenantId = (await createTenant(test.db, box)).tenant.id;
  const otherTenantId = (await createTenant(test.db, box)).tenant.id;
  admin = await signedIn(tenantId, 'admin');
  csr = await signedIn(tenantId, 'csr');
  plainAdmin = await signedIn(plainTenantId, 'admin');
  otherAdmin = await signedIn(otherTenantId, 'admin');
});

afterAll(async () => {
  await api?.close();
  await openai?.close();
  await fakeSt?.close();
  await test?.drop();
});

const path = (tenant = tenantId) => `/api/tenants/${tenant}/assistants`;

describe('assistants settings', () => {
  it('creates an assistant with the defaults, lists it, changes it and deletes it', async () => {
    const number = await createPhoneNumber(test.db, { tenantId });
    const created = await admin.post<{ assistant: AssistantView }>(path(), { name: 'Front desk', phoneNumberIds: [number.id] });
    expect(created.status).toBe(201);
    const a = created.body.assistant;
    expect(a).toMatchObject({
      name: 'Front desk',
      enabled: false,
      mode: 'auto',
      sessionMinutes: 30,
      replyCap: 10,
      bookingMode: 'request',
      tools: { customerLookup: true, jobStatus: true, availability: true, booking: true },
      phoneNumberIds: [number.id],
      afterHours: 'answer',
      businessHours: null,
      firstSms: expect.stringContaining('{business}'),
    });
    expect((await admin.get<{ assistants: AssistantView[] }>(path())).body.assistants.map((x) => x.id)).toContain(a.id);

    const hours = { mon: { open: '08:00', close: '17:00' }, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
    const changed = await admin.patch<{ assistant: AssistantView }>(`${path()}/${a.id}`, { mode: 'draft', businessHours: hours, afterHours: 'message', afterHoursMessage: 'We open at 8.', timeZone: 'America/Chicago' });
    expect(changed.status).toBe(200);
    expect(changed.body.assistant).toMatchObject({ mode: 'draft', businessHours: hours, afterHours: 'message', timeZone: 'America/Chicago', name: 'Front desk' });

    expect((await admin.request('DELETE', `${path()}/${a.id}`)).status).toBe(204);
    expect((await admin.request('DELETE', `${path()}/${a.id}`)).status).toBe(404);
  });

  it('answers 400 with an error per field', async () => {
    const res = await admin.post<ErrorBody>(path(), { name: ' ', mode: 'loud', sessionMinutes: 0, firstSms: 'Hi from {company}', smsPrompt: 'x'.repeat(4001), timeZone: 'Mars/Olympus', businessHours: { mon: { open: '18:00', close: '08:00' }, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {}).sort()).toEqual(['businessHours.mon', 'firstSms', 'mode', 'name', 'sessionMinutes', 'smsPrompt', 'timeZone']);
    expect(res.body.fields).toMatchObject({
      name: 'Enter a name.',
      mode: expect.stringContaining('auto, draft, off'),
      sessionMinutes: expect.any(String),
      firstSms: expect.stringContaining('{business} and {firstName}'),
      smsPrompt: expect.stringContaining('4,000'),
      timeZone: expect.any(String),
      'businessHours.mon': 'must close after it opens',
    });
    const afterHours = await admin.post<ErrorBody>(path(), { name: 'A', afterHours: 'message' });
    expect(afterHours.body.fields).toEqual({ afterHoursMessage: 'Write the message sent after hours.' });
  });

  it('tools are usable only while the ServiceTitan integration is enabled, and the field error says so', async () => {
    const res = await plainAdmin.post<ErrorBody>(path(plainTenantId), { name: 'No ST', tools: { customerLookup: true, jobStatus: false, availability: false, booking: false } });
    expect(res.status).toBe(400);
    expect(res.body.fields?.tools).toMatch(/ServiceTitan integration is enabled/);
    const ok = await plainAdmin.post<{ assistant: AssistantView }>(path(plainTenantId), { name: 'No ST' });
    expect(ok.body.assistant.tools).toEqual({ customerLookup: false, jobStatus: false, availability: false, booking: false });
  });

  it('a number has at most one assistant: 409 naming the number', async () => {
    const number = await createPhoneNumber(test.db, { tenantId });
    expect((await admin.post(path(), { name: 'One', phoneNumberIds: [number.id] })).status).toBe(201);
    const second = await admin.post<ErrorBody>(path(), { name: 'Two', phoneNumberIds: [number.id] });
    expect(second.status).toBe(409);
    expect(second.body.error).toContain(number.phone);
    const names = (await admin.get<{ assistants: AssistantView[] }>(path())).body.assistants.map((a) => a.name);
    expect(names).not.toContain('Two');
  });

  it("refuses another tenant's number, and is admin only and tenant isolated", async () => {
    const foreign = await createPhoneNumber(test.db, { tenantId: plainTenantId });
    const res = await admin.post<ErrorBody>(path(), { name: 'X', phoneNumberIds: [foreign.id] });
    expect(res.status).toBe(400);
    expect(res.body.fields?.phoneNumberIds).toContain('not a phone number of this company');

    const mine = (await admin.post<{ assistant: AssistantView }>(path(), { name: 'Mine' })).body.assistant;
    expect((await csr.get(path())).status).toBe(403);
    expect((await csr.post(path(), { name: 'csr' })).status).toBe(403);
    expect((await otherAdmin.get(path())).status).toBe(404);
    // An assistant id of another tenant, under the admin's own tenant: not found, never changed.
    const theirs = (await plainAdmin.post<{ assistant: AssistantView }>(path(plainTenantId), { name: 'Theirs' })).body.assistant;
    expect((await admin.patch(`${path()}/${theirs.id}`, { name: 'Taken' })).status).toBe(404);
    expect((await admin.post(`${path()}/${theirs.id}/test`, { from: '+15125550101', body: 'hi' })).status).toBe(404);
    expect((await admin.patch(`${path()}/${mine.id}`, { name: 'Mine 2' })).status).toBe(200);
  });
});

describe('sandbox (POST …/:id/test)', () => {
  it('answers as the assistant with the trace, keeps the session, sends no SMS, stores nothing in the inbox, makes no ServiceTitan writes', async () => {
    const a = (await admin.post<{ assistant: AssistantView }>(path(), { name: 'Sandbox', bookingMode: 'job', timeZone: 'America/Chicago', firstSms: 'Hi! This is {business}.' })).body.assistant;
    const first = await admin.post<SandboxAnswer>(`${path()}/${a.id}/test`, { from: '+15125550101', body: 'I need to book AC maintenance' });
    expect(first.status).toBe(200);
    expect(first.body.replies[0]).toContain('automated assistant');
    const start = DateTime.fromISO(seed.windowStarts[0]!).setZone('America/Chicago');
    expect(first.body.replies.join(' ')).toContain(`${start.toFormat('ccc LLL d')}, ${start.toFormat('h:mm a')}`);
    expect(first.body.trace.map((t) => `${t.kind}:${t.name}`)).toEqual(['model:gpt-5-mini', 'tool:check_availability', 'model:gpt-5-mini']);
    expect(JSON.stringify(first.body)).not.toContain(st.clientSecret);
    expect(JSON.stringify(first.body)).not.toContain(openAIKey);

    const second = await admin.post<SandboxAnswer>(`${path()}/${a.id}/test`, { from: '+15125550101', body: 'the first one', sessionId: first.body.sessionId });
    expect(second.body.sessionId).toBe(first.body.sessionId);
    expect(second.body.replies.join(' ')).toContain("You're booked");
    expect(second.body.replies[0]).not.toContain('automated assistant');
    expect(seed.state.creates).toEqual([]);

    expect(await test.db.models.Message.count()).toBe(0);
    expect(await test.db.models.Conversation.count()).toBe(0);

    const person = await admin.post<SandboxAnswer>(`${path()}/${a.id}/test`, { from: '+15125550101', body: 'let me talk to a person', sessionId: first.body.sessionId });
    expect(person.body).toMatchObject({ outcome: 'handoff', handoff: { reason: expect.stringMatching(/person/) }, replies: [a.handoffMessage] });
    const after = await admin.post<SandboxAnswer>(`${path()}/${a.id}/test`, { from: '+15125550101', body: 'hello?', sessionId: first.body.sessionId });
    expect(after.body).toMatchObject({ outcome: 'silent', replies: [] });
  });

  it('hands over at the reply cap, then stays silent; a new session (another number) starts fresh', async () => {
    const a = (await admin.post<{ assistant: AssistantView }>(path(), { name: 'Capped', replyCap: 1 })).body.assistant;
    const test1 = (body: string, sessionId?: string, from = '+15125550101') =>
      admin.post<SandboxAnswer>(`${path()}/${a.id}/test`, { from, body, ...(sessionId ? { sessionId } : {}) });
    const first = await test1('hello');
    expect(first.body.outcome).toBe('replied');
    const capped = await test1('hello again', first.body.sessionId);
    expect(capped.body).toMatchObject({ outcome: 'handoff', replies: [a.handoffMessage], handoff: { reason: expect.stringContaining('reply cap') } });
    expect((await test1('anyone?', first.body.sessionId)).body.outcome).toBe('silent');
    const other = await test1('hello', first.body.sessionId, '+15125550188');
    expect(other.body.outcome).toBe('replied');
    expect(other.body.sessionId).not.toBe(first.body.sessionId);
  });

  it('validates its input per field', async () => {
    const a = (await admin.post<{ assistant: AssistantView }>(path(), { name: 'Sandbox 2' })).body.assistant;
    const res = await admin.post<ErrorBody>(`${path()}/${a.id}/test`, { from: '555', body: '' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {}).sort()).toEqual(['body', 'from']);
  });
});
