// The ServiceTitan settings API against real PostgreSQL and the fake ServiceTitan over HTTP.
import type { ServiceTitanConfigView } from '../../contract/settings.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serviceTitanEgressFor } from '../../clients/servicetitan/egress.ts';
import { ServiceTitanTokenCache } from '../../clients/servicetitan/index.ts';
import { loadServiceTitanConfig } from '../../db/tenant-secrets.ts';
import { createLogger } from '../../logging/logger.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../../test/fakes/servicetitan/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createTenant, createUser } from '../../test/support/factories.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';
import { testServiceTitanConnection } from '../settings/servicetitan-connection.ts';
import { resolveServiceTitanDraft } from '../settings/servicetitan-fields.ts';
import { TestConnectionLimiter } from '../settings/test-connection-limiter.ts';

const noTemporal = '127.0.0.1:1';
const box = new SecretBox(randomBytes(32).toString('base64'));

let test: TestDatabase;
let api: RunningApi;
let fake: FakeServiceTitan;
let tenantId: string;
let otherTenantId: string;
let admin: ApiClient;
let csr: ApiClient;
let otherAdmin: ApiClient;

const st = {
  tenantId: String(300_000 + Math.floor(Math.random() * 600_000)),
  otherTenantId: String(100_000 + Math.floor(Math.random() * 100_000)),
  clientId: `cid.${randomUUID()}`,
  clientSecret: `cs.${randomBytes(12).toString('hex')}`,
  bookingProvider: 77,
};

const configPath = () => `/api/tenants/${tenantId}/servicetitan-config`;
const testPath = () => `/api/tenants/${tenantId}/servicetitan-test`;

/** A complete, correct form for the fake. */
function validForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    environment: 'integration',
    tenantApiBaseUrl: fake.url,
    authUrl: fake.authUrl,
    serviceTitanTenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    appKey: fake.appKey,
    bookingProvider: String(st.bookingProvider),
    enabled: true,
    ...overrides,
  };
}

interface ConfigBody {
  config: ServiceTitanConfigView | null;
}
interface ErrorBody {
  error: string;
  fields?: Record<string, string>;
}
type TestBody = { ok: true } | { ok: false; error: string };

/** A loopback port nobody listens on (fetch refuses port 1 outright, so a real closed one). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function signedIn(tenant: string, role: 'admin' | 'csr'): Promise<ApiClient> {
  const { user, password } = await createUser(test.db, { tenantId: tenant, role });
  const client = new ApiClient(api.baseUrl);
  await client.login(user.email, password);
  return client;
}

beforeAll(async () => {
  test = await createTestDatabase();
  fake = await startFakeServiceTitan();
  fake.addTenant({
    tenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    bookingProviderTags: [
      { id: st.bookingProvider, name: 'IntelliSend' },
      { id: 78, name: 'IntelliSend Old' },
    ],
  });
  // Another ServiceTitan tenant with its own credentials: ours must not reach it.
  fake.addTenant({ tenantId: st.otherTenantId, clientId: `cid.${randomUUID()}`, clientSecret: 'x'.repeat(20), bookingProviderTags: [] });
  // This file presses Test connection far more often than the 10 a minute a tenant gets.
  api = await startApi(test.db, { temporalAddress: noTemporal, box, appDeps: { serviceTitanTestLimiter: new TestConnectionLimiter(test.db, { points: 1000 }) } });
  ({ tenant: { id: tenantId } } = await createTenant(test.db, box));
  ({ tenant: { id: otherTenantId } } = await createTenant(test.db, box));
  admin = await signedIn(tenantId, 'admin');
  csr = await signedIn(tenantId, 'csr');
  otherAdmin = await signedIn(otherTenantId, 'admin');
});

afterAll(async () => {
  await api?.close();
  await fake?.close();
  await test?.drop();
});

beforeEach(async () => {
  await test.db.models.ServiceTitanConfig.destroy({ where: {} });
  fake.reset();
});

describe('GET / POST servicetitan-config', () => {
  it('answers {config: null} before anything is saved', async () => {
    const res = await admin.get<ConfigBody>(configPath());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ config: null });
  });

  const required = ['serviceTitanTenantId', 'clientId', 'clientSecret', 'appKey', 'bookingProvider'] as const;
  it.each(required)('refuses enabled: true without %s, naming it', async (field) => {
    const res = await admin.post<ErrorBody>(configPath(), validForm({ [field]: '' }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {})).toEqual([field]);
    expect(res.body.fields?.[field]).toMatch(/Enter .*needed to turn the integration on/);
    expect(await test.db.models.ServiceTitanConfig.count()).toBe(0);
  });

  it('names every missing field at once', async () => {
    const res = await admin.post<ErrorBody>(configPath(), { enabled: true });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {}).sort()).toEqual([...required].sort());
    expect(res.body.error).toMatch(/turn the integration on/);
  });

  it('saves a partial config while it is turned off, with URLs from the environment', async () => {
    const res = await admin.post<ConfigBody>(configPath(), { environment: 'integration', clientId: 'abc', enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.config).toMatchObject({
      environment: 'integration',
      tenantApiBaseUrl: 'https://api-integration.servicetitan.io',
      authUrl: 'https://auth-integration.servicetitan.io/connect/token',
      clientId: 'abc',
      serviceTitanTenantId: null,
      hasClientSecret: false,
      hasAppKey: false,
      enabled: false,
    });
    const production = await admin.post<ConfigBody>(configPath(), { environment: 'production', enabled: false });
    expect(production.body.config?.authUrl).toBe('https://auth.servicetitan.io/connect/token');
    expect(production.body.config?.tenantApiBaseUrl).toBe('https://api.servicetitan.io');
  });

  it('checks each field format with its own message', async () => {
    const res = await admin.post<ErrorBody>(configPath(), {
      serviceTitanTenantId: '12ab',
      tenantApiBaseUrl: 'http://api.example.com',
      authUrl: 'not a url',
      complaintPriority: 'Whenever',
      businessUnitId: '-4',
      jobTypeId: 'x',
      campaignId: 1.5,
      enabled: false,
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      serviceTitanTenantId: expect.stringMatching(/number \(digits only\)/),
      tenantApiBaseUrl: expect.stringMatching(/https:\/\//),
      authUrl: expect.stringMatching(/full URL/),
      complaintPriority: expect.stringMatching(/Low, Normal, High, Urgent/),
      businessUnitId: expect.stringMatching(/whole number/),
      jobTypeId: expect.stringMatching(/whole number/),
      campaignId: expect.stringMatching(/whole number/),
    });
    const bad = await admin.post<ErrorBody>(configPath(), { enabled: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields?.enabled).toMatch(/true or false/);
  });

  it('never returns a secret, keeps them sealed, and a blank secret keeps the stored one', async () => {
    const saved = await admin.post(configPath(), validForm({ bookingSourceLabel: 'SMS (IntelliSend)', complaintPriority: 'urgent', businessUnitId: '12', jobTypeId: 34, campaignId: '' }));
    expect(saved.status).toBe(200);
    const text = JSON.stringify(saved.body);
    expect(text).not.toContain(st.clientSecret);
    expect(text).not.toContain(fake.appKey);

    const res = await admin.request('GET', configPath());
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(st.clientSecret);
    expect(raw).not.toContain(fake.appKey);
    expect(res.body).toEqual({
      config: {
        environment: 'integration',
        tenantApiBaseUrl: fake.url,
        authUrl: fake.authUrl,
        serviceTitanTenantId: st.tenantId,
        clientId: st.clientId,
        hasClientSecret: true,
        hasAppKey: true,
        bookingProvider: String(st.bookingProvider),
        enabled: true,
        bookingSourceLabel: 'SMS (IntelliSend)',
        complaintPriority: 'Urgent',
        businessUnitId: 12,
        jobTypeId: 34,
        campaignId: null,
        updatedAt: expect.any(String),
      },
    });

    // The row holds ciphertext that opens to the secret.
    const row = await test.db.models.ServiceTitanConfig.findOne({ where: { tenantId }, raw: true });
    expect(row?.clientSecret).toBeTruthy();
    expect(row?.clientSecret).not.toContain(st.clientSecret);
    expect(row?.appKey).not.toContain(fake.appKey);
    expect(box.open(row!.clientSecret!)).toBe(st.clientSecret);
    expect(box.open(row!.appKey!)).toBe(fake.appKey);

    // Saving again with blank and omitted secrets keeps both, and the connection still works with them.
    const again = await admin.post<ConfigBody>(configPath(), validForm({ clientSecret: '', appKey: undefined, clientId: st.clientId }));
    expect(again.status).toBe(200);
    expect(again.body.config).toMatchObject({ hasClientSecret: true, hasAppKey: true });
    const after = await test.db.models.ServiceTitanConfig.findOne({ where: { tenantId }, raw: true });
    expect(after?.clientSecret).toBe(row?.clientSecret);
    expect(after?.appKey).toBe(row?.appKey);
    const check = await admin.post<TestBody>(testPath(), {});
    expect(check.body).toEqual({ ok: true, bookingProviderId: String(st.bookingProvider) });
  });

  it('a new secret replaces the stored one', async () => {
    await admin.post(configPath(), validForm({ enabled: false, clientSecret: 'old-secret-value' }));
    await admin.post(configPath(), validForm({ enabled: false, clientSecret: 'new-secret-value' }));
    const row = await test.db.models.ServiceTitanConfig.findOne({ where: { tenantId }, raw: true });
    expect(box.open(row!.clientSecret!)).toBe('new-secret-value');
  });

  it('resolves a booking provider tag name to its id', async () => {
    const res = await admin.post<ConfigBody>(configPath(), validForm({ bookingProvider: 'intellisend' }));
    expect(res.status).toBe(200);
    expect(res.body.config?.bookingProvider).toBe(String(st.bookingProvider));
  });

  it('says so when a tag name cannot be resolved', async () => {
    const unknown = await admin.post<ErrorBody>(configPath(), validForm({ bookingProvider: 'Nope' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields?.bookingProvider).toMatch(/No booking provider tag named "Nope"/);

    const noCredentials = await admin.post<ErrorBody>(configPath(), { enabled: false, bookingProvider: 'IntelliSend' });
    expect(noCredentials.status).toBe(400);
    expect(noCredentials.body.fields?.bookingProvider).toMatch(/fill in the ServiceTitan tenant ID, client ID, client secret and app key first/);

    const wrongSecret = await admin.post<ErrorBody>(configPath(), validForm({ bookingProvider: 'IntelliSend', clientSecret: 'wrong-secret' }));
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.fields?.bookingProvider).toMatch(/could not be looked up: ServiceTitan rejected the client ID or client secret/);
  });

  it('allows http only to loopback outside production', async () => {
    const res = await admin.post<ErrorBody>(configPath(), validForm({ enabled: false, authUrl: 'http://localhost:9/connect/token', tenantApiBaseUrl: 'http://10.0.0.1' }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {})).toEqual(['tenantApiBaseUrl']);
  });

  it('drops the cached token when the config is saved', async () => {
    // A test by tag name: the lookup takes the cached token, the test itself always asks for a fresh one.
    await admin.post(configPath(), validForm());
    await admin.post<TestBody>(testPath(), { bookingProvider: 'IntelliSend' });
    const before = fake.tokenRequests;
    expect((await admin.post<TestBody>(testPath(), { bookingProvider: 'IntelliSend' })).body).toMatchObject({ ok: true });
    expect(fake.tokenRequests).toBe(before + 1); // the lookup reused the cached token
    await admin.post(configPath(), validForm());
    const afterSave = fake.tokenRequests;
    expect((await admin.post<TestBody>(testPath(), { bookingProvider: 'IntelliSend' })).body).toMatchObject({ ok: true });
    expect(fake.tokenRequests).toBe(afterSave + 2); // the save dropped it: the lookup needed a new one
  });
});

describe('POST servicetitan-test', () => {
  beforeEach(async () => {
    await admin.post(configPath(), validForm());
  });

  async function tryWith(overrides: Record<string, unknown>): Promise<TestBody> {
    const res = await admin.post<TestBody>(testPath(), overrides);
    expect(res.status).toBe(200);
    return res.body;
  }

  it('succeeds with the saved values, and with correct unsaved ones', async () => {
    expect(await tryWith({})).toMatchObject({ ok: true });
    await test.db.models.ServiceTitanConfig.destroy({ where: {} });
    expect(await tryWith(validForm({ enabled: undefined }))).toMatchObject({ ok: true });
  });

  it('gives each failure its own message', async () => {
    const closed = await closedPort();
    const messages = {
      wrongSecret: await tryWith({ clientSecret: 'not-the-secret' }),
      wrongAppKey: await tryWith({ appKey: 'not-the-app-key' }),
      wrongTenant: await tryWith({ serviceTitanTenantId: '999999999' }),
      otherTenant: await tryWith({ serviceTitanTenantId: st.otherTenantId }),
      wrongProvider: await tryWith({ bookingProvider: '4242' }),
      unknownTagName: await tryWith({ bookingProvider: 'Not A Tag' }),
      unreachable: await tryWith({ authUrl: `http://127.0.0.1:${closed}/connect/token` }),
      apiUnreachable: await tryWith({ tenantApiBaseUrl: `http://127.0.0.1:${closed}` }),
    };
    for (const outcome of Object.values(messages)) expect(outcome.ok).toBe(false);
    const text = Object.fromEntries(Object.entries(messages).map(([k, v]) => [k, v.ok ? '' : v.error]));
    expect(text.wrongSecret).toMatch(/rejected the client ID or client secret/);
    expect(text.wrongAppKey).toMatch(/rejected the app key/);
    expect(text.wrongTenant).toMatch(/tenant 999999999 was not found — check the ServiceTitan tenant ID/);
    expect(text.otherTenant).toMatch(/do not give access to ServiceTitan tenant .* check the ServiceTitan tenant ID/);
    expect(text.wrongProvider).toMatch(/Booking provider 4242 was not found .* connected/);
    expect(text.unknownTagName).toMatch(/No booking provider tag named "Not A Tag"/);
    expect(text.unreachable).toBe(`Could not reach ServiceTitan's token endpoint at 127.0.0.1:${closed}: the connection was refused — check the URL`);
    expect(text.apiUnreachable).toBe(`Could not reach the ServiceTitan API at http://127.0.0.1:${closed}: the connection was refused — check the URL`);
    expect(new Set(Object.values(text)).size).toBe(Object.keys(text).length);
    for (const message of Object.values(text)) {
      expect(message).not.toContain(st.clientSecret);
      expect(message).not.toMatch(/will be retried/);
    }
  });

  it('names a missing scope', async () => {
    const scoped = { tenantId: '555000111', clientId: `cid.${randomUUID()}`, clientSecret: 'scoped-secret-1' };
    fake.addTenant({ ...scoped, scopes: ['tn.crm.bookingprovidertags:r'], bookingProviderTags: [{ id: 5, name: 'X' }] });
    const outcome = await tryWith({ serviceTitanTenantId: scoped.tenantId, clientId: scoped.clientId, clientSecret: scoped.clientSecret, bookingProvider: '5' });
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/missing the API scope tn\.crm\.bookings:r/) });
  });

  it('names a host that does not answer in time', async () => {
    // Straight through the command with a short timeout (the app's is 10 s); the fake holds the bookings read.
    fake.faults.next(['timeout']);
    const saved = await loadServiceTitanConfig(test.db, box, tenantId);
    const egress = serviceTitanEgressFor({ NODE_ENV: 'test' });
    const { values } = resolveServiceTitanDraft({}, saved, { mode: 'test', egress: egress.policy });
    const outcome = await testServiceTitanConnection({ tokens: new ServiceTitanTokenCache(), logger: createLogger('silent'), timeoutMs: 300, egress }, values);
    expect(outcome).toEqual({
      ok: false,
      error: `the ServiceTitan API at ${fake.url} did not answer within 0 s — check the URL, or try again in a minute`,
    });
  });

  it('asks for what is missing before trying', async () => {
    await test.db.models.ServiceTitanConfig.destroy({ where: {} });
    const res = await admin.post<ErrorBody>(testPath(), { clientId: 'abc' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {}).sort()).toEqual(['appKey', 'bookingProvider', 'clientSecret', 'serviceTitanTenantId']);
  });
});

describe('who may use the ServiceTitan settings', () => {
  it('refuses a CSR on every route', async () => {
    await admin.post(configPath(), validForm());
    for (const [method, path, body] of [
      ['GET', configPath(), undefined],
      ['POST', configPath(), validForm({ enabled: false })],
      ['POST', testPath(), {}],
      ['POST', `/api/tenants/${tenantId}/bookings/retry-failed`, undefined],
    ] as const) {
      const res = await csr.request<ErrorBody>(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain(st.clientId);
    }
    const row = await test.db.models.ServiceTitanConfig.findOne({ where: { tenantId } });
    expect(row?.enabled).toBe(true);
  });

  it("answers 404 to another tenant's admin, without its data", async () => {
    await admin.post(configPath(), validForm());
    for (const [method, path, body] of [
      ['GET', configPath(), undefined],
      ['POST', configPath(), validForm({ enabled: false })],
      ['POST', testPath(), {}],
    ] as const) {
      const res = await otherAdmin.request<ErrorBody>(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(st.clientId);
    }
    expect((await otherAdmin.get<ConfigBody>(`/api/tenants/${otherTenantId}/servicetitan-config`)).body).toEqual({ config: null });
    expect((await test.db.models.ServiceTitanConfig.findOne({ where: { tenantId } }))?.enabled).toBe(true);
  });

  it('asks to sign in first', async () => {
    const anonymous = new ApiClient(api.baseUrl);
    expect((await anonymous.get(configPath())).status).toBe(401);
  });
});
