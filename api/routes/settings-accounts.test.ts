// Twilio settings, booking health and users: real PostgreSQL, the real app, signed-in clients.
import type { BookingHealthView, TwilioSettingsView, UserView } from '../../contract/settings.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createContact, createConversation, createPhoneNumber, createTenant, createUser, twilioAccountSid } from '../../test/support/factories.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';

const box = new SecretBox(randomBytes(32).toString('base64'));
let test: TestDatabase;
let api: RunningApi;
let tenantId: string;
let otherTenantId: string;
let admin: ApiClient;
let adminId: string;
let csr: ApiClient;
let csrId: string;
let otherAdmin: ApiClient;
let authToken: string;

interface ErrorBody {
  error: string;
  fields?: Record<string, string>;
}

async function signedIn(tenant: string, role: 'admin' | 'csr'): Promise<{ client: ApiClient; id: string; email: string; password: string }> {
  const { user, password } = await createUser(test.db, { tenantId: tenant, role });
  const client = new ApiClient(api.baseUrl);
  await client.login(user.email, password);
  return { client, id: user.id, email: user.email, password };
}

beforeAll(async () => {
  test = await createTestDatabase();
  api = await startApi(test.db, { temporalAddress: '127.0.0.1:1', box });
  const created = await createTenant(test.db, box);
  tenantId = created.tenant.id;
  authToken = created.authToken;
  otherTenantId = (await createTenant(test.db, box)).tenant.id;
  ({ client: admin, id: adminId } = await signedIn(tenantId, 'admin'));
  ({ client: csr, id: csrId } = await signedIn(tenantId, 'csr'));
  ({ client: otherAdmin } = await signedIn(otherTenantId, 'admin'));
});

afterAll(async () => {
  await api?.close();
  await test?.drop();
});

const base = () => `/api/tenants/${tenantId}`;

describe('twilio-settings', () => {
  it('shows the SID, whether a token is stored, the HELP reply and the webhook URLs of each number', async () => {
    const number = await createPhoneNumber(test.db, { tenantId, label: 'Main line' });
    const res = await admin.get<TwilioSettingsView>(`${base()}/twilio-settings`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(authToken);
    expect(res.body).toMatchObject({
      accountSid: expect.stringMatching(/^AC[0-9a-f]{32}$/),
      hasAuthToken: true,
      helpReply: expect.stringContaining('Reply STOP'),
    });
    expect(res.body.numbers).toContainEqual({
      id: number.id,
      phone: number.phone,
      label: 'Main line',
      inboundWebhookUrl: 'https://intellisend.test/api/twilio/inbound',
      statusCallbackUrl: 'https://intellisend.test/api/twilio/status',
    });
  });

  it('saves; a blank token keeps the stored one, a new one is sealed and takes effect at once', async () => {
    const sid = twilioAccountSid();
    const kept = await admin.post<TwilioSettingsView>(`${base()}/twilio-settings`, { accountSid: sid, authToken: '', helpReply: 'Call us at 555-0100.' });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ accountSid: sid, hasAuthToken: true, helpReply: 'Call us at 555-0100.' });
    const tenant = await test.db.models.Tenant.findByPk(tenantId);
    expect(box.open(tenant!.twilioAuthToken!)).toBe(authToken);

    const newToken = randomBytes(16).toString('hex');
    const changed = await admin.post(`${base()}/twilio-settings`, { accountSid: sid, authToken: newToken, helpReply: 'Call us.' });
    expect(changed.status).toBe(200);
    expect(JSON.stringify(changed.body)).not.toContain(newToken);
    const row = await test.db.models.Tenant.findByPk(tenantId, { raw: true });
    expect(row?.twilioAuthToken).not.toContain(newToken);
    expect(box.open(row!.twilioAuthToken!)).toBe(newToken);
    authToken = newToken;
  });

  it('explains what is wrong with each field', async () => {
    const res = await admin.post<ErrorBody>(`${base()}/twilio-settings`, { accountSid: 'AC123', authToken: 'short', helpReply: 'x'.repeat(321) });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      accountSid: expect.stringMatching(/starts with AC followed by 32/),
      authToken: expect.stringMatching(/32 letters and digits/),
      helpReply: expect.stringMatching(/at most 320/),
    });
    const empty = await admin.post<ErrorBody>(`${base()}/twilio-settings`, { accountSid: twilioAccountSid(), helpReply: '   ' });
    expect(empty.body.fields?.helpReply).toMatch(/Write the reply/);
  });
});

describe('booking-health', () => {
  it('counts the last 24 hours, lists failing bookings with their error and links, and links to Temporal', async () => {
    const number = await createPhoneNumber(test.db, { tenantId });
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const make = async (attrs: Record<string, unknown>) => {
      const contact = await createContact(test.db, { tenantId, firstName: 'Ana', lastName: 'Lopez' });
      return createConversation(test.db, { tenantId, contactId: contact.id, phoneNumberId: number.id, ...attrs });
    };
    await make({ bookingStatus: 'created', serviceTitanBookingId: '1', serviceTitanBookingCreatedAt: ago(2) });
    await make({ bookingStatus: 'created', serviceTitanBookingId: '2', serviceTitanBookingCreatedAt: ago(30) });
    const failed = await make({ bookingStatus: 'failed', bookingAttempts: 1, bookingLastError: 'ServiceTitan rejected the client ID or client secret' });
    const retrying = await make({ bookingStatus: 'retrying', bookingAttempts: 3, bookingLastError: 'ServiceTitan had a server error (503)' });
    // Another tenant's problems never show.
    const otherNumber = await createPhoneNumber(test.db, { tenantId: otherTenantId });
    await createConversation(test.db, { tenantId: otherTenantId, phoneNumberId: otherNumber.id, bookingStatus: 'failed', bookingLastError: 'other tenant' });

    const res = await admin.get<BookingHealthView>(`${base()}/booking-health`);
    expect(res.status).toBe(200);
    expect(res.body.last24h).toEqual({ created: 1, retrying: 1, failed: 1 });
    expect(res.body.failedTotal).toBe(1);
    expect(res.body.problems.map((p) => p.conversationId).sort()).toEqual([failed.id, retrying.id].sort());
    expect(res.body.problems.find((p) => p.conversationId === failed.id)).toMatchObject({
      status: 'failed',
      lastError: 'ServiceTitan rejected the client ID or client secret',
      link: `/conversations/${failed.id}`,
      contact: { firstName: 'Ana', lastName: 'Lopez' },
    });
    expect(res.body.temporalUiUrl).toBe(`http://localhost:8233/namespaces/default/workflows?query=${encodeURIComponent(`TenantId="${tenantId}"`)}`);
    expect(JSON.stringify(res.body)).not.toContain('other tenant');
  });

  it('retry-failed answers 503 when Temporal cannot be reached (nothing retried)', async () => {
    const res = await admin.post<ErrorBody>(`${base()}/bookings/retry-failed`);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/Temporal/);
  });
});

describe('users', () => {
  it('lists the tenant’s users only', async () => {
    const res = await admin.get<{ users: UserView[] }>(`${base()}/users`);
    expect(res.status).toBe(200);
    expect(res.body.users.map((u) => u.id).sort()).toEqual([adminId, csrId].sort());
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|passwordHash/);
  });

  it('adds a user who can sign in; refuses a taken email (409) and a weak password (400)', async () => {
    const email = `New.Person.${Date.now()}@Example.com`;
    const res = await admin.post<{ user: UserView }>(`${base()}/users`, { email, password: 'correct horse battery', role: 'csr' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), role: 'csr' });
    await new ApiClient(api.baseUrl).login(email, 'correct horse battery');

    const duplicate = await admin.post<ErrorBody>(`${base()}/users`, { email: email.toUpperCase(), password: 'another good one', role: 'admin' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatch(/already/);

    const weak = await admin.post<ErrorBody>(`${base()}/users`, { email: `weak${Date.now()}@example.com`, password: 'short', role: 'csr' });
    expect(weak.status).toBe(400);
    expect(weak.body.fields?.password).toMatch(/at least 8 characters/);

    const invalid = await admin.post<ErrorBody>(`${base()}/users`, { email: 'nope', password: 'long enough pw', role: 'boss' });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.fields ?? {}).sort()).toEqual(['email', 'role']);
  });

  it('changes a role, which takes effect on the next request', async () => {
    const person = await signedIn(tenantId, 'csr');
    expect((await person.client.get(`${base()}/users`)).status).toBe(403);
    const res = await admin.patch<{ user: UserView }>(`${base()}/users/${person.id}`, { role: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('admin');
    expect((await person.client.get(`${base()}/users`)).status).toBe(200);
  });

  it('never leaves the tenant without an admin', async () => {
    const { tenant } = await createTenant(test.db, box);
    const only = await signedIn(tenant.id, 'admin');
    const other = await signedIn(tenant.id, 'csr');
    const path = (id: string) => `/api/tenants/${tenant.id}/users/${id}`;

    const demote = await only.client.patch<ErrorBody>(path(only.id), { role: 'csr' });
    expect(demote.status).toBe(409);
    expect(demote.body.error).toMatch(/You are the only admin/);
    const remove = await only.client.request<ErrorBody>('DELETE', path(only.id));
    expect(remove.status).toBe(409);

    // With a second admin, the first may step down.
    expect((await only.client.patch(path(other.id), { role: 'admin' })).status).toBe(200);
    expect((await other.client.patch(path(only.id), { role: 'csr' })).status).toBe(200);
    const last = await other.client.request<ErrorBody>('DELETE', path(other.id));
    expect(last.status).toBe(409);
    expect(last.body.error).toMatch(/only admin/);
  });

  it('removing a user ends their sessions', async () => {
    const person = await signedIn(tenantId, 'csr');
    expect((await person.client.get('/api/auth/me')).status).toBe(200);
    const res = await admin.request('DELETE', `${base()}/users/${person.id}`);
    expect(res.status).toBe(204);
    expect(await test.db.models.Session.count({ where: { userId: person.id } })).toBe(0);
    expect((await person.client.get('/api/auth/me')).status).toBe(401);
    expect((await admin.request('DELETE', `${base()}/users/${person.id}`)).status).toBe(404);
  });

  it("cannot touch another tenant's users", async () => {
    const stranger = await createUser(test.db, { tenantId: otherTenantId, role: 'csr' });
    expect((await admin.patch(`${base()}/users/${stranger.user.id}`, { role: 'admin' })).status).toBe(404);
    expect((await admin.request('DELETE', `${base()}/users/${stranger.user.id}`)).status).toBe(404);
    expect((await admin.request('DELETE', `${base()}/users/not-a-uuid`)).status).toBe(404);
    expect((await test.db.models.User.findByPk(stranger.user.id))?.role).toBe('csr');
  });
});

describe('who may use these settings', () => {
  const routes = (tenant: () => string): [string, string, unknown][] => [
    ['GET', `/api/tenants/${tenant()}/twilio-settings`, undefined],
    ['POST', `/api/tenants/${tenant()}/twilio-settings`, { accountSid: twilioAccountSid(), helpReply: 'hi' }],
    ['GET', `/api/tenants/${tenant()}/booking-health`, undefined],
    ['POST', `/api/tenants/${tenant()}/bookings/retry-failed`, undefined],
    ['GET', `/api/tenants/${tenant()}/users`, undefined],
    ['POST', `/api/tenants/${tenant()}/users`, { email: `x${Date.now()}@example.com`, password: 'a good password', role: 'admin' }],
    ['PATCH', `/api/tenants/${tenant()}/users/${csrId}`, { role: 'admin' }],
    ['DELETE', `/api/tenants/${tenant()}/users/${csrId}`, undefined],
  ];

  it('refuses a CSR with 403 everywhere', async () => {
    for (const [method, path, body] of routes(() => tenantId)) {
      expect((await csr.request(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await test.db.models.User.findByPk(csrId))?.role).toBe('csr');
  });

  it("answers 404 to another tenant's admin everywhere", async () => {
    for (const [method, path, body] of routes(() => tenantId)) {
      const res = await otherAdmin.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(tenantId);
    }
    expect(await test.db.models.User.findByPk(csrId)).not.toBeNull();
  });
});
