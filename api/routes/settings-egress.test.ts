// The ServiceTitan settings API under a production-mode egress policy configured here: URLs the
// policy refuses are not saved (400 naming the field), Test connection never reaches a refused
// target and says so in a person's words, and it is throttled per tenant (429). Every listener is
// on 127.0.0.1, and every name resolves to loopback through the injected resolver: nothing leaves.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EgressGuard, Resolver } from '../../clients/egress/index.ts';
import { serviceTitanEgressFor } from '../../clients/servicetitan/egress.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../../test/fakes/servicetitan/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createTenant, createUser } from '../../test/support/factories.ts';
import { loopbackCa, loopbackTls, startLoopbackListener, type LoopbackListener } from '../../test/support/loopback-listener.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';

const box = new SecretBox(randomBytes(32).toString('base64'));
const st = { tenantId: '424242', clientId: `cid.${randomUUID()}`, clientSecret: `cs.${randomBytes(12).toString('hex')}`, bookingProvider: 77 };
const internalDetail = 'db-primary.internal 10.0.0.5';

let test: TestDatabase;
let fake: FakeServiceTitan;
/** Listed nowhere: whatever the API is asked, it must never see a connection. */
let bystander: LoopbackListener;
/** Listed exactly: answers every request with a redirect to the cloud metadata service. */
let redirecting: LoopbackListener;
/** Listed exactly: a token endpoint whose refusals carry internal text. */
let chatty: LoopbackListener;
let egress: EgressGuard;
let api: RunningApi;
let tenantId: string;
let admin: ApiClient;
const resolved: string[] = [];

interface ErrorBody {
  error: string;
  fields?: Record<string, string>;
}
type TestBody = { ok: true; bookingProviderId: string } | { ok: false; error: string };

async function signedIn(tenant: string): Promise<ApiClient> {
  const { user, password } = await createUser(test.db, { tenantId: tenant, role: 'admin' });
  const client = new ApiClient(api.baseUrl);
  await client.login(user.email, password);
  return client;
}

function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    environment: 'production',
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

beforeAll(async () => {
  test = await createTestDatabase();
  fake = await startFakeServiceTitan({ tls: loopbackTls });
  fake.addTenant({ ...st, bookingProviderTags: [{ id: st.bookingProvider, name: 'IntelliSend' }] });
  bystander = await startLoopbackListener({ tls: true });
  redirecting = await startLoopbackListener({ tls: true, handler: (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end() });
  chatty = await startLoopbackListener({
    tls: true,
    handler: (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `bad request from ${internalDetail}` })),
  });
  // DNS as an attacker would like it: ServiceTitan's own names answer with loopback.
  const resolve: Resolver = async (hostname) => {
    resolved.push(hostname);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const fakePort = new URL(fake.url).port;
  egress = serviceTitanEgressFor(
    {
      NODE_ENV: 'production',
      SERVICETITAN_ALLOWED_HOSTS: [
        'api.servicetitan.io',
        'auth.servicetitan.io',
        `127.0.0.1:${fakePort}`,
        `127.0.0.1:${redirecting.port}`,
        `127.0.0.1:${chatty.port}`,
      ].join(','),
    },
    { resolve, extraCa: loopbackCa },
  );
  api = await startApi(test.db, { temporalAddress: '127.0.0.1:1', box, appDeps: { serviceTitanEgress: egress } });
  ({ tenant: { id: tenantId } } = await createTenant(test.db, box));
  admin = await signedIn(tenantId);
});

afterAll(async () => {
  await api?.close();
  egress?.close();
  await Promise.all([fake?.close(), bystander?.close(), redirecting?.close(), chatty?.close()]);
  await test?.drop();
});

beforeEach(async () => {
  await test.db.models.ServiceTitanConfig.destroy({ where: {} });
});

const configPath = () => `/api/tenants/${tenantId}/servicetitan-config`;
const testPath = (tenant = tenantId) => `/api/tenants/${tenant}/servicetitan-test`;

describe('saving ServiceTitan URLs', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['tenantApiBaseUrl', 'https://10.0.0.5', /^The API base URL is not allowed: IntelliSend only connects to ServiceTitan's own servers/],
    ['tenantApiBaseUrl', 'https://169.254.169.254/latest/meta-data', /^The API base URL is not allowed: IntelliSend only connects to ServiceTitan's own servers/],
    ['authUrl', 'https://localhost/connect/token', /^The auth URL is not allowed: IntelliSend only connects to ServiceTitan's own servers/],
    ['authUrl', 'http://127.0.0.1:1/connect/token', /^The auth URL must start with https:\/\//],
    ['tenantApiBaseUrl', 'https://api.servicetitan.io:8443', /^The API base URL must not name a port: .*standard HTTPS port \(443\)/],
    ['tenantApiBaseUrl', 'https://admin:hunter2@api.servicetitan.io', /^The API base URL must not contain a user name or password/],
    ['tenantApiBaseUrl', 'https://api.servicetitan.io/?debug=1', /^The API base URL must not contain a query/],
    ['authUrl', 'https://auth.servicetitan.io/connect/token#x', /^The auth URL must not contain a query \(\?…\) or a fragment/],
  ];
  it.each(refused)('refuses %s %s with 400 naming the field, and saves nothing', async (field, url, message) => {
    const res = await admin.post<ErrorBody>(configPath(), form({ [field]: url }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Some fields need attention.');
    expect(Object.keys(res.body.fields ?? {})).toEqual([field]);
    expect(res.body.fields?.[field]).toMatch(message);
    expect(await test.db.models.ServiceTitanConfig.count()).toBe(0);
  });

  it('refuses a loopback listener that is not listed, without connecting to it', async () => {
    const res = await admin.post<ErrorBody>(configPath(), form({ tenantApiBaseUrl: bystander.url, authUrl: `${bystander.url}/connect/token` }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields ?? {}).sort()).toEqual(['authUrl', 'tenantApiBaseUrl']);
    expect(bystander.connections).toBe(0);
  });

  it("saves ServiceTitan's own URLs, and an operator's exactly listed host:port", async () => {
    expect((await admin.post(configPath(), form({ tenantApiBaseUrl: '', authUrl: '', enabled: false }))).status).toBe(200);
    expect((await admin.post(configPath(), form())).status).toBe(200);
  });
});

describe('Test connection', () => {
  it('connects to exactly a listed 127.0.0.1:<port>', async () => {
    const res = await admin.post<TestBody>(testPath(), form());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, bookingProviderId: String(st.bookingProvider) });
  });

  it('answers 400 for a refused target, which never sees a connection', async () => {
    const res = await admin.post<ErrorBody>(testPath(), form({ tenantApiBaseUrl: bystander.url }));
    expect(res.status).toBe(400);
    expect(res.body.fields?.tenantApiBaseUrl).toMatch(/not allowed: IntelliSend only connects to ServiceTitan's own servers/);
    expect(bystander.connections).toBe(0);
  });

  it("refuses ServiceTitan's own name when it resolves to 127.0.0.1, in a person's words", async () => {
    resolved.length = 0;
    const res = await admin.post<TestBody>(testPath(), form({ tenantApiBaseUrl: '', authUrl: '' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: false,
      error: "That address is not allowed: IntelliSend only connects to ServiceTitan's own servers — check the API base URL and the auth URL",
    });
    expect(resolved).toEqual(['auth.servicetitan.io']);
  });

  it('does not follow a redirect to the metadata service', async () => {
    const before = redirecting.requests;
    const res = await admin.post<TestBody>(testPath(), form({ authUrl: `${redirecting.url}/connect/token` }));
    expect(res.body).toEqual({ ok: false, error: expect.stringMatching(/^ServiceTitan answered with a redirect, which IntelliSend does not follow/) });
    expect(JSON.stringify(res.body)).not.toContain('169.254');
    expect(redirecting.requests).toBe(before + 1);
  });

  it('does not repeat what the remote server wrote', async () => {
    const res = await admin.post<TestBody>(testPath(), form({ authUrl: `${chatty.url}/connect/token` }));
    expect(res.body.ok).toBe(false);
    expect(JSON.stringify(res.body)).not.toMatch(/db-primary|10\.0\.0\.5|bad request from/);
    expect(res.body).toEqual({ ok: false, error: expect.stringMatching(/refused the token request \(400\) — check the client ID, client secret and auth URL$/) });
  });

  it('is throttled per tenant: the 11th test in a minute gets 429 with Retry-After', async () => {
    const { tenant: busy } = await createTenant(test.db, box);
    const { tenant: calm } = await createTenant(test.db, box);
    const busyAdmin = await signedIn(busy.id);
    const calmAdmin = await signedIn(calm.id);
    // Refused ones count too: the throttle is what makes probing slow.
    for (let i = 0; i < 10; i++) {
      const res = await busyAdmin.post<ErrorBody>(testPath(busy.id), { tenantApiBaseUrl: bystander.url });
      expect(res.status).toBe(400);
    }
    const limited = await busyAdmin.post<ErrorBody>(testPath(busy.id), form());
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatch(/^Too many connection tests for this company in a short time\. Try again in \d+ seconds?\.$/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another company is not slowed down by it.
    expect((await calmAdmin.post<ErrorBody>(testPath(calm.id), { tenantApiBaseUrl: bystander.url })).status).toBe(400);
    // The counts live in PostgreSQL, where every API process reads them.
    const [rows] = await test.db.sequelize.query("SELECT points FROM rate_limits WHERE key = :key", { replacements: { key: `servicetitan_test:${busy.id}` } });
    expect(rows).toEqual([{ points: 11 }]);
    expect(bystander.connections).toBe(0);
  });
});
