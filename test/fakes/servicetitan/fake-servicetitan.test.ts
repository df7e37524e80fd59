// The fake speaks ServiceTitan's protocol: checked with raw HTTP (no client of ours) and with the
// response schemas of the OpenAPI document.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeServiceTitan, type FakeServiceTitan } from './fake-servicetitan.ts';
import { serviceTitanSchemas } from './openapi-schemas.ts';

const appKey = 'ak1.fake-test-key';
const tenant = { tenantId: '12345', clientId: 'cid.a', clientSecret: 'secret-a', bookingProviderTags: [{ id: 77, name: 'IntelliSend' }] };
const schemas = serviceTitanSchemas();
const booking = {
  source: 'IntelliSend',
  name: 'Jane Doe',
  summary: 'Leaking water heater',
  isFirstTimeClient: true,
  externalId: 'intellisend-conversation-1',
  contacts: [{ type: 'MobilePhone', value: '+15555550142' }],
};

let fake: FakeServiceTitan;
beforeEach(async () => {
  fake = await startFakeServiceTitan({ appKey, tenants: [tenant] });
});
afterEach(async () => {
  await fake.close();
});

async function token(clientId = tenant.clientId, clientSecret = tenant.clientSecret): Promise<Response> {
  return fetch(fake.authUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
}

async function accessToken(): Promise<string> {
  return ((await (await token()).json()) as { access_token: string }).access_token;
}

async function api(path: string, init: { method?: string; body?: unknown; bearer?: string | null; key?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const bearer = init.bearer === undefined ? await accessToken() : init.bearer;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (init.key !== null) headers['st-app-key'] = init.key ?? appKey;
  const res = await fetch(`${fake.url}/crm/v2/tenant${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('token endpoint', () => {
  it('issues Bearer tokens for client credentials and answers invalid_client otherwise', async () => {
    const ok = await token();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ expires_in: 900, token_type: 'Bearer', scope: expect.stringContaining('tn.crm.bookings:w') });
    const bad = await token(tenant.clientId, 'wrong');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
    expect(fake.tokenRequests).toBe(2);
  });
});

describe('API authorization', () => {
  it('needs the app key, with an RFC 7807 body saying so', async () => {
    for (const key of [null, 'wrong']) {
      const res = await api('/12345/booking-provider/77/bookings', { key });
      expect(res.status).toBe(401);
      expect(schemas.apiErrorResponse(res.json)).toBe(true);
      expect(JSON.stringify(res.json)).toMatch(/ST-App-Key/);
    }
  });

  it('needs a live bearer token', async () => {
    expect((await api('/12345/booking-provider/77/bookings', { bearer: null })).status).toBe(401);
    expect((await api('/12345/booking-provider/77/bookings', { bearer: 'made-up' })).status).toBe(401);
    fake.tokenLifetimeSeconds = 0;
    const expired = await api('/12345/booking-provider/77/bookings');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it('refuses another tenant, an unknown tenant, a missing scope and an unknown booking provider', async () => {
    fake.addTenant({ tenantId: '67890', clientId: 'cid.b', clientSecret: 'secret-b', bookingProviderTags: [{ id: 77, name: 'X' }] });
    expect((await api('/67890/booking-provider/77/bookings')).status).toBe(403);
    expect((await api('/99999/booking-provider/77/bookings')).status).toBe(404);
    const unknownProvider = await api('/12345/booking-provider/78/bookings');
    expect(unknownProvider.status).toBe(404);
    expect(JSON.stringify(unknownProvider.json)).toMatch(/Booking provider 78 was not found/);

    fake.addTenant({ tenantId: '22222', clientId: 'cid.r', clientSecret: 'secret-r', scopes: ['tn.crm.bookings:r'], bookingProviderTags: [{ id: 1, name: 'T' }] });
    const readOnly = ((await (await token('cid.r', 'secret-r')).json()) as { access_token: string }).access_token;
    expect((await api('/22222/booking-provider/1/bookings', { bearer: readOnly })).status).toBe(200);
    const write = await api('/22222/booking-provider/1/bookings', { bearer: readOnly, method: 'POST', body: booking });
    expect(write.status).toBe(403);
  });
});

describe('bookings', () => {
  it('creates a booking whose answer matches the BookingResponse schema', async () => {
    const res = await api('/12345/booking-provider/77/bookings', { method: 'POST', body: booking });
    expect(res.status).toBe(200);
    expect(schemas.bookingResponse(res.json), JSON.stringify(schemas.bookingResponse.errors)).toBe(true);
    expect(res.json).toMatchObject({ status: 'New', jobId: null, bookingProviderId: 77, externalId: booking.externalId });
    expect(fake.bookings('12345')[0]?.body).toEqual(booking);
  });

  it('rejects an unknown field, a missing required field and a wrong enum with RFC 7807 field errors', async () => {
    const res = await api('/12345/booking-provider/77/bookings', {
      method: 'POST',
      body: { ...booking, summary: undefined, notes: 'x', contacts: [{ type: 'Pager', value: '1' }] },
    });
    expect(res.status).toBe(400);
    expect(schemas.apiErrorResponse(res.json)).toBe(true);
    const errors = res.json?.errors as Record<string, string[]>;
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(['notes', 'summary', 'contacts[0].type']));
    expect(fake.bookings('12345')).toHaveLength(0);
  });

  it('needs a name plus a phone, email or address', async () => {
    const noWay = await api('/12345/booking-provider/77/bookings', { method: 'POST', body: { ...booking, contacts: [] } });
    expect(noWay.status).toBe(400);
    const withAddress = { ...booking, contacts: null, address: { street: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'USA' } };
    expect((await api('/12345/booking-provider/77/bookings', { method: 'POST', body: withAddress })).status).toBe(200);
  });

  it('lists with filters in the page envelope, gets and patches', async () => {
    for (const externalId of ['a', 'b', 'c']) {
      await api('/12345/booking-provider/77/bookings', { method: 'POST', body: { ...booking, externalId } });
    }
    const byExternalId = await api('/12345/booking-provider/77/bookings?externalId=b');
    expect(schemas.bookingPage(byExternalId.json)).toBe(true);
    const data = byExternalId.json?.data as Array<{ id: number; externalId: string }>;
    expect(data.map((b) => b.externalId)).toEqual(['b']);
    const paged = await api('/12345/booking-provider/77/bookings?pageSize=2&page=1&includeTotal=true');
    expect(paged.json).toMatchObject({ page: 1, pageSize: 2, hasMore: true, totalCount: 3 });
    const id = data[0]!.id;
    expect((await api(`/12345/booking-provider/77/bookings?ids=${id}`)).json?.data).toHaveLength(1);
    expect((await api(`/12345/booking-provider/77/bookings/${id}`)).json).toMatchObject({ externalId: 'b' });
    const patched = await api(`/12345/booking-provider/77/bookings/${id}`, { method: 'PATCH', body: { priority: 'Urgent' } });
    expect(patched.json).toMatchObject({ priority: 'Urgent' });
    const badPatch = await api(`/12345/booking-provider/77/bookings/${id}`, { method: 'PATCH', body: { contacts: [] } });
    expect(badPatch.status).toBe(400);
    expect((await api('/12345/booking-provider/77/bookings/1')).status).toBe(404);
  });
});

describe('tags and customers', () => {
  it('answers page envelopes that match their schemas', async () => {
    const tags = await api('/12345/booking-provider-tags?name=intelli');
    expect(schemas.bookingProviderTagPage(tags.json)).toBe(true);
    expect(tags.json?.data).toMatchObject([{ id: 77, tagName: 'IntelliSend' }]);
    fake.addCustomer({ name: 'John Smith', phone: '(555) 555-0142' });
    const found = await api('/12345/customers?phone=5555550142');
    expect(schemas.customerPage(found.json), JSON.stringify(schemas.customerPage.errors)).toBe(true);
    expect(found.json?.data).toMatchObject([{ name: 'John Smith' }]);
    expect((await api('/12345/customers?phone=%2B15555550142')).json?.data).toEqual([]);
  });
});

describe('faults', () => {
  it('scripts the next calls, loses answers after doing the work, and resets', async () => {
    fake.faults.next(['503', 'lostAnswer'], 'create');
    const unavailable = await api('/12345/booking-provider/77/bookings', { method: 'POST', body: booking });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('1');
    await expect(api('/12345/booking-provider/77/bookings', { method: 'POST', body: booking })).rejects.toThrow();
    expect(fake.bookings('12345')).toHaveLength(1);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', status: 200, answered: false, fault: 'lostAnswer' });
    fake.reset();
    expect(fake.bookings('12345')).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('fails a seeded share of calls, the same way every run', async () => {
    const run = async () => {
      fake.reset();
      fake.faults.set({ rate: 0.5, kinds: ['500', '429'], seed: 7 });
      const bearer = await accessToken();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await api('/12345/booking-provider/77/bookings', { bearer })).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failed = first.filter((s) => s !== 200).length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(17);
  });

  it('holds a timed-out request until the client gives up, and closes without waiting for it', async () => {
    fake.faults.next(['timeout']);
    const bearer = await accessToken();
    const held = fetch(`${fake.url}/crm/v2/tenant/12345/booking-provider/77/bookings`, {
      headers: { authorization: `Bearer ${bearer}`, 'st-app-key': appKey },
      signal: AbortSignal.timeout(200),
    });
    await expect(held).rejects.toThrow();
    fake.faults.next(['timeout']);
    const seen = fake.requests.length;
    const neverAnswered = fetch(`${fake.url}/crm/v2/tenant/12345/booking-provider/77/bookings`, {
      headers: { authorization: `Bearer ${bearer}`, 'st-app-key': appKey },
    }).catch((e: unknown) => e);
    // Close only once the fake holds the request.
    await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(seen));
    await fake.close();
    expect(await neverAnswered).toBeInstanceOf(Error);
    fake = await startFakeServiceTitan({ appKey, tenants: [tenant] });
  });

  it('delays every answer by latencyMs', async () => {
    fake.latencyMs = 150;
    const started = Date.now();
    await token();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
