// ServiceTitanClient against the fake ServiceTitan over real HTTP on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeServiceTitan, type FakeServiceTitan } from '../../test/fakes/servicetitan/index.ts';
import { ServiceTitanClient, type ServiceTitanClientOptions } from './client.ts';
import { serviceTitanEgressFor } from './egress.ts';
import { ServiceTitanError } from './errors.ts';
import { ServiceTitanTokenCache } from './token-cache.ts';
import type { CreateBookingBody } from './types.ts';

const secret = 'cs1.very-secret-client-secret';
const appKey = 'ak1.the-application-key';
const tenant = {
  tenantId: '12345',
  clientId: 'cid.intellisend-test',
  clientSecret: secret,
  bookingProviderTags: [{ id: 77, name: 'IntelliSend' }],
};

const body: CreateBookingBody = {
  source: 'IntelliSend',
  name: 'Jane Doe',
  summary: 'Acme Plumbing via +15555550100\nCustomer: my water heater is leaking',
  isFirstTimeClient: true,
  externalId: 'intellisend-conversation-c1',
  contacts: [{ type: 'MobilePhone', value: '+15555550142' }],
};

let fake: FakeServiceTitan;
const egress = serviceTitanEgressFor({ NODE_ENV: 'test' });

beforeEach(async () => {
  fake = await startFakeServiceTitan({ appKey, tenants: [tenant] });
});
afterEach(async () => {
  await fake.close();
});

function makeClient(overrides: Partial<ServiceTitanClientOptions> = {}): ServiceTitanClient {
  return new ServiceTitanClient({
    authUrl: fake.authUrl,
    apiBaseUrl: fake.url,
    serviceTitanTenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: secret,
    appKey,
    tokenCache: new ServiceTitanTokenCache(),
    timeoutMs: 2_000,
    // The fake listens on loopback http, which only the development policy allows.
    egress,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<ServiceTitanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceTitanError);
  const e = error as ServiceTitanError;
  // Whatever failed, the message never carries a secret.
  expect(e.message).not.toContain(secret);
  expect(e.message).not.toContain(appKey);
  expect(e.message).not.toContain('fake-st-');
  return e;
}

const apiCalls = (path: RegExp) => fake.requests.filter((r) => path.test(r.path));

describe('tokens', () => {
  it('reuses a token across calls and renews it once it expires', async () => {
    fake.tokenLifetimeSeconds = 2;
    const client = makeClient();
    await client.listBookings(77);
    await client.listBookings(77);
    expect(fake.tokenRequests).toBe(1);
    await new Promise((r) => setTimeout(r, 2_100));
    await client.listBookings(77);
    expect(fake.tokenRequests).toBe(2);
    expect(apiCalls(/bookings$/).every((r) => r.status === 200)).toBe(true);
  });

  it('asks for one token when many callers need one at once', async () => {
    const cache = new ServiceTitanTokenCache();
    const a = makeClient({ tokenCache: cache });
    const b = makeClient({ tokenCache: cache });
    const tokens = await Promise.all([...Array.from({ length: 5 }, () => a.getToken()), b.getToken(), b.listBookings(77)]);
    expect(new Set(tokens.slice(0, 6)).size).toBe(1);
    expect(fake.tokenRequests).toBe(1);
  });

  it('drops a token the API rejects with 401 and retries once with a new one', async () => {
    const client = makeClient();
    await client.getToken();
    fake.expireTokens();
    const page = await client.listBookings(77);
    expect(page.data).toEqual([]);
    expect(fake.tokenRequests).toBe(2);
    expect(apiCalls(/bookings$/).map((r) => r.status)).toEqual([401, 200]);
  });
});

describe('bookings', () => {
  it('creates a booking that reaches ServiceTitan with exactly the body sent', async () => {
    const booking = await makeClient().createBooking(77, body);
    expect(booking).toMatchObject({
      status: 'New',
      externalId: body.externalId,
      bookingProviderId: 77,
      name: 'Jane Doe',
      summary: body.summary,
      jobId: null,
    });
    expect(Number.isInteger(booking.id)).toBe(true);
    const stored = fake.bookings(tenant.tenantId);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.body).toEqual(body);
  });

  it('finds a booking by externalId, and only that one', async () => {
    const client = makeClient();
    expect(await client.findBookingByExternalId(77, body.externalId)).toBeNull();
    const created = await client.createBooking(77, body);
    await client.createBooking(77, { ...body, externalId: 'intellisend-conversation-c2' });
    expect((await client.findBookingByExternalId(77, body.externalId))?.id).toBe(created.id);
    expect(await client.findBookingByExternalId(77, 'intellisend-conversation-c3')).toBeNull();
  });

  it('reads, updates and lists bookings', async () => {
    const client = makeClient();
    const created = await client.createBooking(77, body);
    expect((await client.getBooking(77, created.id)).externalId).toBe(body.externalId);
    const patched = await client.patchBooking(77, created.id, { priority: 'High', summary: 'updated' });
    expect(patched).toMatchObject({ priority: 'High', summary: 'updated' });
    const page = await client.listBookings(77, { ids: [created.id], includeTotal: true });
    expect(page).toMatchObject({ page: 1, hasMore: false, totalCount: 1 });
    const missing = await failure(client.getBooking(77, 999));
    expect(missing).toMatchObject({ kind: 'not_found', retryable: false });
    expect(missing.message).toMatch(/Booking 999 was not found/);
  });

  it('reports a body the schema rejects as a non-retryable validation error with field details', async () => {
    const withUnknownField = { ...body, conversationUrl: 'https://example.test' } as unknown as CreateBookingBody;
    const e = await failure(makeClient().createBooking(77, withUnknownField));
    expect(e).toMatchObject({ kind: 'validation', status: 400, retryable: false });
    expect(Object.keys(e.details ?? {})).toContain('conversationUrl');
    expect(fake.bookings(tenant.tenantId)).toHaveLength(0);
  });

  it('reports a persistent 400 from ServiceTitan as validation', async () => {
    fake.setBookingsFailWith(400, {
      type: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      traceId: 'abc',
      errors: { BusinessUnitId: ['Business unit is inactive.'] },
      data: {},
    });
    const e = await failure(makeClient().createBooking(77, body));
    expect(e).toMatchObject({ kind: 'validation', retryable: false, traceId: 'abc' });
    expect(e.message).toContain('Business unit is inactive.');
  });

  it('gives a retryable error when the answer is lost, and the booking is then found by externalId', async () => {
    const client = makeClient();
    fake.faults.next(['lostAnswer'], 'create');
    const e = await failure(client.createBooking(77, body));
    expect(e).toMatchObject({ kind: 'network', retryable: true });
    const found = await client.findBookingByExternalId(77, body.externalId);
    expect(found?.externalId).toBe(body.externalId);
    expect(fake.bookings(tenant.tenantId)).toHaveLength(1);
  });

  it('carries Retry-After of a 429 as retryAfterMs', async () => {
    fake.faults.set({ retryAfterSeconds: 3 });
    fake.faults.next(['429']);
    const e = await failure(makeClient().createBooking(77, body));
    expect(e).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true, retryAfterMs: 3_000 });
  });

  it('treats 500, 503 and a timeout as retryable', async () => {
    const client = makeClient({ timeoutMs: 300 });
    fake.faults.next(['500', '503', 'timeout']);
    expect(await failure(client.createBooking(77, body))).toMatchObject({ kind: 'server', status: 500, retryable: true });
    expect(await failure(client.createBooking(77, body))).toMatchObject({ kind: 'server', status: 503, retryable: true });
    expect(await failure(client.createBooking(77, body))).toMatchObject({ kind: 'timeout', retryable: true });
    expect(fake.bookings(tenant.tenantId)).toHaveLength(0);
  });
});

describe('test connection', () => {
  it('passes with good settings', async () => {
    await expect(makeClient().testConnection(77)).resolves.toBeUndefined();
  });

  it('names the part that failed, each with its own kind or message, never the secret', async () => {
    const wrongSecret = await failure(makeClient({ clientSecret: 'cs1.wrong-secret-value' }).testConnection(77));
    expect(wrongSecret).toMatchObject({ kind: 'invalid_credentials', retryable: false });
    expect(wrongSecret.message).toMatch(/client ID or client secret/);
    expect(wrongSecret.message).not.toContain('cs1.wrong-secret-value');

    const wrongKey = await failure(makeClient({ appKey: 'ak1.wrong-app-key' }).testConnection(77));
    expect(wrongKey).toMatchObject({ kind: 'app_key', status: 401, retryable: false });
    expect(wrongKey.message).toMatch(/app key \(ST-App-Key\)/);
    expect(wrongKey.message).not.toContain('ak1.wrong-app-key');

    const unknownTenant = await failure(makeClient({ serviceTitanTenantId: '99999' }).testConnection(77));
    expect(unknownTenant).toMatchObject({ kind: 'not_found', retryable: false });
    expect(unknownTenant.message).toMatch(/ServiceTitan tenant 99999 was not found/);

    fake.addTenant({ tenantId: '55555', clientId: 'cid.other', clientSecret: 'cs1.other-secret' });
    const otherTenant = await failure(makeClient({ serviceTitanTenantId: '55555' }).testConnection(77));
    expect(otherTenant).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(otherTenant.message).toMatch(/do not give access to ServiceTitan tenant 55555/);

    const wrongProvider = await failure(makeClient().testConnection(78));
    expect(wrongProvider).toMatchObject({ kind: 'not_found', status: 404 });
    expect(wrongProvider.message).toBe(
      'Booking provider 78 was not found for ServiceTitan tenant 12345 — check that the tag exists and that the app is connected with it',
    );

    const nonNumericProvider = await failure(makeClient().testConnection('IntelliSend'));
    expect(nonNumericProvider).toMatchObject({ kind: 'validation' });

    const closedPort = await startFakeServiceTitan();
    const deadUrl = closedPort.url;
    await closedPort.close();
    const unreachable = await failure(makeClient({ authUrl: `${deadUrl}/connect/token`, apiBaseUrl: deadUrl }).testConnection(77));
    expect(unreachable).toMatchObject({ kind: 'network', retryable: true });
    expect(unreachable.message).toMatch(/connection was refused/);

    const messages = [wrongSecret, wrongKey, unknownTenant, otherTenant, wrongProvider, unreachable].map((e) => e.message);
    expect(new Set(messages).size).toBe(messages.length);
  });

  it('does not pass on a cached token when the secret being tried is wrong', async () => {
    const cache = new ServiceTitanTokenCache();
    await makeClient({ tokenCache: cache }).testConnection(77);
    const e = await failure(makeClient({ tokenCache: cache, clientSecret: 'cs1.typo' }).testConnection(77));
    expect(e.kind).toBe('invalid_credentials');
  });

  it('says which scope is missing', async () => {
    fake.addTenant({ ...tenant, tenantId: '22222', clientId: 'cid.read-only', scopes: ['tn.crm.bookings:r'] });
    const client = makeClient({ serviceTitanTenantId: '22222', clientId: 'cid.read-only' });
    await client.testConnection(77);
    const e = await failure(client.createBooking(77, body));
    expect(e).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
    expect(e.message).toMatch(/tn\.crm\.bookings:w/);
  });
});

describe('tags and customers', () => {
  it('resolves a booking provider tag name to its id', async () => {
    const tags = await makeClient().findBookingProviderTags('IntelliSend');
    expect(tags.map((t) => [t.id, t.tagName])).toEqual([[77, 'IntelliSend']]);
    expect(await makeClient().findBookingProviderTags('Nope')).toEqual([]);
  });

  it('finds a customer by the national number of an E.164 phone, and null when none matches', async () => {
    const customer = fake.addCustomer({ name: 'John Smith', phone: '(555) 555-0142' });
    const client = makeClient();
    expect(await client.findCustomerByPhone('+15555550142')).toEqual({ id: customer.id, name: 'John Smith' });
    expect(await client.findCustomerByPhone('+15555550199')).toBeNull();
    expect(apiCalls(/\/customers$/).at(-1)?.query).toContain('phone=5555550199');
  });

  it('finds nothing, without failing, when the customers scope is missing', async () => {
    fake.addTenant({ ...tenant, tenantId: '33333', clientId: 'cid.no-customers', scopes: ['tn.crm.bookings:r'] });
    fake.addCustomer({ tenantId: '33333', name: 'John Smith', phone: '5555550142' });
    const client = makeClient({ serviceTitanTenantId: '33333', clientId: 'cid.no-customers' });
    expect(await client.findCustomerByPhone('+15555550142')).toBeNull();
  });
});
