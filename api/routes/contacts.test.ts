import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDetailView, ContactPage } from '../../contract/contacts.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createContact, createConversation, createPhoneNumber, createTenant, createUser } from '../../test/support/factories.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';

const box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
let test: TestDatabase;
let api: RunningApi;
let admin: ApiClient;
let csr: ApiClient;
let otherAdmin: ApiClient;
let tenantA: string;
let mariaId: string;
let optedOutId: string;

beforeAll(async () => {
  test = await createTestDatabase();
  tenantA = (await createTenant(test.db, box)).tenant.id;
  const other = (await createTenant(test.db, box)).tenant.id;
  const number = await createPhoneNumber(test.db, { tenantId: tenantA });
  const maria = await createContact(test.db, { tenantId: tenantA, firstName: 'Maria', lastName: 'Garcia', phone: '+15555550142', email: 'maria@example.com', tags: ['vip', 'maintenance-plan'] });
  mariaId = maria.id;
  await createConversation(test.db, { tenantId: tenantA, contactId: maria.id, phoneNumberId: number.id });
  await createContact(test.db, { tenantId: tenantA, firstName: 'James', lastName: 'Okafor', phone: '+16175550199', tags: ['maintenance-plan'] });
  optedOutId = (await createContact(test.db, { tenantId: tenantA, firstName: 'Olivia', lastName: 'Rossi', phone: '+16175550123', optedOut: true, optedOutAt: new Date(), optedOutSource: 'keyword' })).id;
  await createContact(test.db, { tenantId: other, firstName: 'Maria', lastName: 'Garcia', phone: '+15555550142' });
  for (let i = 0; i < 7; i++) await createContact(test.db, { tenantId: tenantA, firstName: `Page${i}`, phone: `+1212555${String(1000 + i)}` });

  api = await startApi(test.db, { temporalAddress: '127.0.0.1:1', box });
  const a = await createUser(test.db, { tenantId: tenantA, role: 'admin' });
  const c = await createUser(test.db, { tenantId: tenantA, role: 'csr' });
  const o = await createUser(test.db, { tenantId: other, role: 'admin' });
  admin = new ApiClient(api.baseUrl);
  csr = new ApiClient(api.baseUrl);
  otherAdmin = new ApiClient(api.baseUrl);
  await admin.login(a.user.email, a.password);
  await csr.login(c.user.email, c.password);
  await otherAdmin.login(o.user.email, o.password);
});

afterAll(async () => {
  await api?.close();
  await test?.drop();
});

const names = (page: ContactPage) => page.items.map((c) => `${c.firstName ?? ''} ${c.lastName ?? ''}`.trim());

describe('GET /api/contacts', () => {
  it.each([
    ['first name fragment', 'mari', ['Maria Garcia']],
    ['full name', 'Maria Garcia', ['Maria Garcia']],
    ['email', 'maria@exa', ['Maria Garcia']],
    ['phone digits as typed', '(555) 555-0142', ['Maria Garcia']],
    ['nothing', 'zebra', []],
  ])('search by %s', async (_n, search, expected) => {
    const res = await csr.get<ContactPage>(`/api/contacts?search=${encodeURIComponent(search)}`);
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual(expected);
  });

  it('filters by tag', async () => {
    const res = await csr.get<ContactPage>('/api/contacts?tag=Maintenance-Plan');
    expect(names(res.body).sort()).toEqual(['James Okafor', 'Maria Garcia']);
  });

  it('pages through every contact once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: ContactPage } = await csr.get<ContactPage>(`/api/contacts?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
  });

  it('never shows another tenant', async () => {
    const res = await otherAdmin.get<ContactPage>('/api/contacts?search=maria');
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]?.id).not.toBe(mariaId);
    expect((await otherAdmin.get(`/api/contacts/${mariaId}`)).status).toBe(404);
    expect((await otherAdmin.patch(`/api/contacts/${mariaId}`, { firstName: 'X' })).status).toBe(404);
  });

  it('answers 400 for a bad cursor or limit', async () => {
    expect((await csr.get('/api/contacts?cursor=nope!')).status).toBe(400);
    expect((await csr.get('/api/contacts?limit=500')).status).toBe(400);
  });
});

describe('GET /api/contacts/:id', () => {
  it('shows the contact with its conversations', async () => {
    const res = await csr.get<ContactDetailView>(`/api/contacts/${mariaId}`);
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ phone: '+15555550142', email: 'maria@example.com', tags: ['vip', 'maintenance-plan'], marketingConsent: { status: 'unknown' } });
    expect(res.body.conversations).toHaveLength(1);
  });
});

describe('POST /api/contacts', () => {
  it('an admin adds a contact, the phone read in the tenant country, consent with evidence on record', async () => {
    const res = await admin.post<ContactDetailView>('/api/contacts', {
      phone: '(415) 555-0100',
      firstName: ' Dana ',
      tags: ['Spring Promo', 'spring promo'],
      timeZone: 'America/Los_Angeles',
      marketingConsent: { status: 'granted', evidence: 'Signed the maintenance agreement' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.contact).toMatchObject({ phone: '+14155550100', firstName: 'Dana', tags: ['spring promo'], timeZone: 'America/Los_Angeles', marketingConsent: { status: 'granted', source: 'person' } });
    expect(res.body.consentHistory).toEqual([expect.objectContaining({ status: 'granted', evidence: 'Signed the maintenance agreement', by: expect.objectContaining({ email: expect.any(String) }) })]);
  });

  it.each([
    ['a duplicate phone', { phone: '+1 555 555 0142' }, 409],
    ['no phone', { firstName: 'X' }, 400],
    ['not a phone', { phone: 'call me' }, 400],
    ['a bad email', { phone: '+16175550111', email: 'nope' }, 400],
    ['a bad time zone', { phone: '+16175550112', timeZone: 'Mars/Base' }, 400],
    ['consent claimed without evidence', { phone: '+16175550113', marketingConsent: { status: 'granted' } }, 400],
    ['an unknown field', { phone: '+16175550114', vip: true }, 400],
  ])('refuses %s', async (_n, body, status) => {
    const res = await admin.post<{ error: string }>('/api/contacts', body);
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it('a CSR cannot add contacts', async () => {
    expect((await csr.post('/api/contacts', { phone: '+16175550115' })).status).toBe(403);
  });
});

describe('PATCH /api/contacts/:id', () => {
  it('a CSR changes names, and nothing else', async () => {
    const ok = await csr.patch<ContactDetailView>(`/api/contacts/${mariaId}`, { firstName: 'María', lastName: '' });
    expect(ok.status).toBe(200);
    expect(ok.body.contact).toMatchObject({ firstName: 'María', lastName: null });
    expect((await csr.patch(`/api/contacts/${mariaId}`, { tags: ['x'] })).status).toBe(403);
  });

  it('an opt-out is never undone by an edit; recording one revokes consent', async () => {
    const undo = await admin.patch<{ error: string }>(`/api/contacts/${optedOutId}`, { optedOut: false });
    expect(undo.status).toBe(409);
    expect(undo.body.error).toMatch(/START/);
    expect((await admin.patch(`/api/contacts/${optedOutId}`, { marketingConsent: { status: 'granted', evidence: 'said yes on the phone' } })).status).toBe(409);

    const out = await admin.patch<ContactDetailView>(`/api/contacts/${mariaId}`, { marketingConsent: { status: 'granted', evidence: 'web form' } });
    expect(out.body.contact.marketingConsent.status).toBe('granted');
    const recorded = await admin.patch<ContactDetailView>(`/api/contacts/${mariaId}`, { optedOut: true });
    expect(recorded.body.contact).toMatchObject({ optedOut: true, optedOutSource: 'person', marketingConsent: { status: 'revoked', source: 'opt_out' } });
    expect(recorded.body.consentHistory.map((e) => e.status)).toEqual(['revoked', 'granted']);
  });
});
