// Fixing the ServiceTitan configuration retries the bookings that failed because of it — through the
// real API, worker, Temporal and the fake ServiceTitan.
import type { BookingHealthView, RetryFailedBookingsView } from '../../contract/settings.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, uniquePhone } from '../../test/support/factories.ts';
import { capturedLogLines, startPipeline, waitFor, type Pipeline } from '../../test/support/pipeline.ts';
import { ApiClient } from '../conversations/api-test-client.ts';
import { conversationStateQuery } from '../../workflows/definitions.ts';

let p: Pipeline;
let admin: ApiClient;

beforeAll(async () => {
  p = await startPipeline();
  const { user, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'admin' });
  admin = new ApiClient(p.baseUrl);
  await admin.login(user.email, password);
});

afterAll(async () => {
  await p?.close();
});

/** Failed in the database and in the workflow (which ignores a retry while its attempt is still winding up). */
async function failedBookingFor(customer: string, body: string) {
  await p.sendInbound({ from: customer, body });
  const handle = await p.workflowFor(customer);
  return waitFor(async () => {
    const c = await p.conversationWith(customer);
    if (c?.bookingStatus !== 'failed') return null;
    const state = await handle.query(conversationStateQuery);
    return state.bookingStatus === 'failed' ? c : null;
  }, { timeoutMs: 45_000, what: 'a failed booking' });
}

const bookingsOf = (conversationId: string) =>
  p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => b.body.externalId === `intellisend-conversation-${conversationId}-episode-1`);

describe('retrying failed bookings', () => {
  it('saving a fixed config retries a booking ServiceTitan refused', async () => {
    p.fakes.serviceTitan.setBookingsFailWith(400);
    const customer = uniquePhone();
    const failed = await failedBookingFor(customer, 'My furnace is making a loud banging noise, can someone come out?');
    expect(failed.bookingLastError).toMatch(/rejected/);

    const health = await admin.get<BookingHealthView>(`/api/tenants/${p.tenant.id}/booking-health`);
    expect(health.body.problems.map((x) => x.conversationId)).toContain(failed.id);

    // The admin fixes things in ServiceTitan and saves the settings (secrets left blank: kept).
    p.fakes.serviceTitan.setBookingsFailWith(null);
    const saved = await admin.post<{ retriedBookings: number }>(`/api/tenants/${p.tenant.id}/servicetitan-config`, {
      environment: 'integration',
      tenantApiBaseUrl: p.fakes.serviceTitan.url,
      authUrl: p.fakes.serviceTitan.authUrl,
      serviceTitanTenantId: p.serviceTitan.tenantId,
      clientId: p.serviceTitan.clientId,
      clientSecret: '',
      appKey: '',
      bookingProvider: 'IntelliSend',
      enabled: true,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.retriedBookings).toBe(1);

    const booked = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      return c?.serviceTitanBookingId ? c : null;
    }, { timeoutMs: 45_000, what: 'the retried booking' });
    expect(booked.bookingStatus).toBe('created');
    expect(bookingsOf(booked.id)).toHaveLength(1);
  });

  it('"Retry failed bookings" retries every failed one', async () => {
    p.fakes.serviceTitan.setBookingsFailWith(400);
    const customers = [uniquePhone(), uniquePhone()];
    const failed = await Promise.all(customers.map((c) => failedBookingFor(c, 'Need a quote for a new water heater please')));
    p.fakes.serviceTitan.setBookingsFailWith(null);

    const res = await admin.post<RetryFailedBookingsView>(`/api/tenants/${p.tenant.id}/bookings/retry-failed`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ retried: 2, booked: 2, failedAgain: 0 });
    for (const conversation of failed) {
      await waitFor(async () => bookingsOf(conversation.id).length === 1, { timeoutMs: 45_000, what: 'a booking after retry' });
    }
    const again = await admin.post<{ retried: number }>(`/api/tenants/${p.tenant.id}/bookings/retry-failed`);
    expect(again.body.retried).toBe(0);
  });

  it('"Retry failed bookings" answers with what became of each: created, or refused again and why', async () => {
    const fixedMeanwhile = uniquePhone();
    const stillBroken = uniquePhone();
    const invalidPhone = 'The phone number is not a valid US phone number.';
    p.fakes.serviceTitan.failBookingsFor(fixedMeanwhile, { status: 400, errors: { bookingProvider: ['The booking provider IntelliSend is inactive.'] }, times: 1 });
    p.fakes.serviceTitan.failBookingsFor(stillBroken, { status: 400, errors: { 'contacts[0].value': [invalidPhone] } });
    const [fixed, broken] = await Promise.all([
      failedBookingFor(fixedMeanwhile, 'The AC is blowing warm air again, can you send someone?'),
      failedBookingFor(stillBroken, 'Kitchen faucet is dripping nonstop'),
    ]);
    if (!fixed || !broken) throw new Error('no failed bookings');

    const res = await admin.post<RetryFailedBookingsView>(`/api/tenants/${p.tenant.id}/bookings/retry-failed`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ retried: 2, booked: 1, failedAgain: 1, stillTrying: 0, notReached: 0 });
    const byId = new Map(res.body.bookings.map((b) => [b.conversationId, b]));
    expect(byId.get(fixed.id)).toMatchObject({ status: 'created', settled: true });
    expect(byId.get(broken.id)).toMatchObject({ status: 'failed', settled: true, attempts: broken.bookingAttempts + 1 });
    expect(byId.get(broken.id)?.lastError).toContain(invalidPhone);
    expect(bookingsOf(fixed.id)).toHaveLength(1);
    expect(bookingsOf(broken.id)).toHaveLength(0);

    // Booking health says the same the moment the button has answered: the new attempt and its error.
    const health = await admin.get<BookingHealthView>(`/api/tenants/${p.tenant.id}/booking-health`);
    const problems = new Map(health.body.problems.map((x) => [x.conversationId, x]));
    expect(problems.get(broken.id)).toMatchObject({ status: 'failed', attempts: broken.bookingAttempts + 1 });
    expect(problems.get(broken.id)?.lastError).toContain(invalidPhone);
    expect(problems.has(fixed.id)).toBe(false);
    p.fakes.serviceTitan.failBookingsFor(stillBroken, null);
  });

  it('never writes a typed or saved secret to the logs', async () => {
    const typedSecret = `typed-secret-${Date.now()}`;
    const typedKey = `typed-app-key-${Date.now()}`;
    const base = `/api/tenants/${p.tenant.id}`;
    await admin.post(`${base}/servicetitan-test`, { clientSecret: typedSecret, appKey: typedKey });
    await admin.post(`${base}/servicetitan-test`, { clientSecret: p.serviceTitan.clientSecret, appKey: p.serviceTitan.appKey });
    await admin.post(`${base}/servicetitan-config`, { clientSecret: typedSecret, appKey: typedKey, bookingProvider: 'IntelliSend', enabled: false });
    await admin.post(`${base}/twilio-settings`, { accountSid: p.tenant.accountSid, authToken: p.tenant.authToken, helpReply: 'Call us.' });
    const logs = capturedLogLines.join('\n');
    expect(logs).toContain('servicetitan settings saved');
    for (const secret of [typedSecret, typedKey, p.serviceTitan.clientSecret, p.serviceTitan.appKey, p.tenant.authToken]) {
      expect(logs).not.toContain(secret);
    }
  });
});
