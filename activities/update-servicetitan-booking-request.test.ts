// The booking request's update of the episode's existing ServiceTitan booking, over a real database, the
// real ServiceTitan client and the fake ServiceTitan (which validates PATCH bodies against the OpenAPI
// schema): the window and the transcript reach a booking that is still New, exactly once; a booking a CSR
// already handled, an opted-out customer or an episode without a booking are left alone.
import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTitanClientFor } from '../clients/servicetitan/client.ts';
import { installServiceTitanEgress, serviceTitanEgressFor } from '../clients/servicetitan/egress.ts';
import { ServiceTitanTokenCache } from '../clients/servicetitan/token-cache.ts';
import { saveBookingRequest } from '../db/repositories/assistant-sessions.ts';
import { insertAssistant, setAssistantNumbers } from '../db/repositories/assistants.ts';
import { bookingExternalId } from '../domain/conversation-summary.ts';
import { createLogger } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../test/fakes/servicetitan/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createConversation, createMessage, createPhoneNumber, createServiceTitanConfig, createTenant } from '../test/support/factories.ts';
import type { ActivityDeps } from './types.ts';
import { updateServiceTitanBookingRequest, type BookingRequestUpdate } from './update-servicetitan-booking-request.ts';

let test: TestDatabase;
let fake: FakeServiceTitan;
let deps: ActivityDeps;
let tenantId: string;
let numberId: string;
let assistantId: string;
const st = { tenantId: '4242', clientId: 'cid.update-test', clientSecret: 'cs.update-test', provider: 77 };
const tokens = new ServiceTitanTokenCache();

beforeAll(async () => {
  // As a worker in test installs it: the fake ServiceTitan is on http://127.0.0.1.
  installServiceTitanEgress(serviceTitanEgressFor({ NODE_ENV: 'test' }));
  test = await createTestDatabase();
  fake = await startFakeServiceTitan();
  fake.addTenant({ tenantId: st.tenantId, clientId: st.clientId, clientSecret: st.clientSecret, bookingProviderTags: [{ id: st.provider, name: 'IntelliSend' }] });
  const box = new SecretBox(randomBytes(32).toString('base64'));
  ({ tenant: { id: tenantId } } = await createTenant(test.db, box));
  await createServiceTitanConfig(test.db, box, {
    tenantId,
    tenantApiBaseUrl: fake.url,
    authUrl: fake.authUrl,
    serviceTitanTenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    appKey: fake.appKey,
    bookingProvider: String(st.provider),
  });
  numberId = (await createPhoneNumber(test.db, { tenantId })).id;
  assistantId = await test.db.sequelize.transaction(async (transaction) => {
    const id = await insertAssistant(
      test.db,
      tenantId,
      {
        name: 'Riley', enabled: true, mode: 'auto', firstSms: 'Hi!', smsPrompt: 'You book visits.', sessionMinutes: 30, handoffMessage: 'A person will text you.',
        tools: { customerLookup: false, jobStatus: false, availability: true, booking: true }, bookingMode: 'request', timeZone: 'America/Chicago',
        businessHours: null, afterHours: 'answer', afterHoursMessage: '', replyCap: 10,
      },
      transaction,
    );
    await setAssistantNumbers(test.db, tenantId, id, [numberId], transaction);
    return id;
  });
  deps = {
    env: { PUBLIC_BASE_URL: 'https://intellisend.test' },
    db: test.db,
    box,
    classifier: null,
    twilio: { send: () => Promise.reject(new Error('no texts here')) },
    serviceTitanTokens: tokens,
    logger: createLogger('silent'),
  };
});
afterAll(async () => {
  await fake?.close();
  await test?.drop();
});

const window2 = { start: '2026-12-10T14:00:00Z', end: '2026-12-10T18:00:00Z', label: 'Thu Dec 10, 8:00 AM-12:00 PM' };
const client = () =>
  serviceTitanClientFor(
    { serviceTitanTenantId: st.tenantId, clientId: st.clientId, clientSecret: st.clientSecret, appKey: fake.appKey, authUrl: fake.authUrl, tenantApiBaseUrl: fake.url },
    { tokenCache: tokens },
  );

/** A conversation in an assistant session whose customer chose `window2`; its episode's booking made as `linked` says. */
async function conversationWithRequest({ booking, linked = true }: { booking: boolean; linked?: boolean }) {
  const c = await createConversation(test.db, { tenantId, phoneNumberId: numberId, bookingStatus: booking && linked ? 'created' : 'none' });
  await createMessage(test.db, { conversationId: c.id, body: 'Actually the second one works better' });
  await test.db.sequelize.query(
    `INSERT INTO assistant_sessions (tenant_id, conversation_id, assistant_id, started_at, last_message_at) VALUES (:tenantId, :id, :assistantId, now(), now())`,
    { replacements: { tenantId, id: c.id, assistantId } },
  );
  await saveBookingRequest(test.db, c.id, { ...window2, summary: 'Maintenance visit' });
  if (!booking) return { c, bookingId: null };
  const made = await client().createBooking(st.provider, {
    source: 'IntelliSend SMS', name: 'Sam Lee', summary: 'first window', isFirstTimeClient: true, externalId: bookingExternalId(c.id, 1),
    contacts: [{ type: 'MobilePhone', value: '5125550101' }], start: '2026-12-09T14:00:00Z',
  });
  if (linked) await c.update({ serviceTitanBookingId: String(made.id) });
  return { c, bookingId: made.id };
}

const run = (conversationId: string) => new MockActivityEnvironment().run(updateServiceTitanBookingRequest(deps), { conversationId }) as Promise<BookingRequestUpdate>;
const stored = (id: number) => fake.bookings(st.tenantId).find((b) => b.booking.id === id)!.booking;
const patches = (id: number) => fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/bookings/${id}`));

describe('updateServiceTitanBookingRequest', () => {
  it('a booking still New gets the chosen window and the transcript; a retry patches the same values, still one booking', async () => {
    const { c, bookingId } = await conversationWithRequest({ booking: true });
    expect(await run(c.id)).toEqual({ outcome: 'updated', bookingId: String(bookingId) });
    expect(await run(c.id)).toEqual({ outcome: 'updated', bookingId: String(bookingId) });
    const booking = stored(bookingId!);
    expect(Date.parse(booking.start)).toBe(Date.parse(window2.start));
    expect(booking.summary).toContain(`Booked by text with the assistant: ${window2.label} (Maintenance visit)`);
    expect(booking.summary).toContain('Actually the second one works better');
    expect(patches(bookingId!)).toHaveLength(2);
    expect(fake.bookings(st.tenantId).filter((b) => b.booking.externalId === bookingExternalId(c.id, 1))).toHaveLength(1);
  });

  it('a booking made but never linked (its answer was lost) is found by its externalId and updated', async () => {
    const { c, bookingId } = await conversationWithRequest({ booking: true, linked: false });
    expect(await run(c.id)).toEqual({ outcome: 'updated', bookingId: String(bookingId) });
    expect(Date.parse(stored(bookingId!).start)).toBe(Date.parse(window2.start));
  });

  it.each(['Accepted', 'Converted', 'Dismissed'] as const)('a booking a CSR already %s is not touched', async (status) => {
    const { c, bookingId } = await conversationWithRequest({ booking: true });
    stored(bookingId!).status = status;
    expect(await run(c.id)).toEqual({ outcome: 'unchanged', bookingId: String(bookingId), reason: `the ServiceTitan booking is already ${status}, so the new time was not booked` });
    expect(Date.parse(stored(bookingId!).start)).toBe(Date.parse('2026-12-09T14:00:00Z'));
    expect(patches(bookingId!)).toHaveLength(0);
  });

  it('after an opt-out nothing at ServiceTitan is read or changed', async () => {
    const { c, bookingId } = await conversationWithRequest({ booking: true });
    await test.db.models.Contact.update({ optedOut: true }, { where: { id: c.contactId } });
    const before = fake.requests.length;
    expect(await run(c.id)).toEqual({ outcome: 'unchanged', bookingId: String(bookingId), reason: 'customer opted out' });
    expect(fake.requests.length).toBe(before);
  });

  it('with no booking yet there is nothing to update: the episode’s booking is created with the window', async () => {
    const { c } = await conversationWithRequest({ booking: false });
    const before = fake.requests.length;
    expect(await run(c.id)).toEqual({ outcome: 'toCreate' });
    expect(fake.requests.slice(before).filter((r) => r.method === 'PATCH' || (r.method === 'POST' && r.path.endsWith('/bookings')))).toHaveLength(0);
  });
});
