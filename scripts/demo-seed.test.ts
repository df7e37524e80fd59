// The demo tenant is made through the product: its conversations are signed webhooks and CSR replies sent
// to the real API, filed by the real worker with the fake OpenAI and booked against the fake ServiceTitan,
// whose faults make some bookings retry and some fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../api/conversations/api-test-client.ts';
import type { ConversationPage } from '../api/conversations/find-conversations.ts';
import type { BookingHealthView, RetryFailedBookingsView } from '../contract/settings.ts';
import { startPipeline, type Pipeline } from '../test/support/pipeline.ts';
import { demoConversations, demoCustomerPhone, seedDemoTenant, sendDemoConversations, type DemoSeedResult } from './demo-seed.ts';

let p: Pipeline;
let seed: DemoSeedResult;

beforeAll(async () => {
  p = await startPipeline();
  await p.startWorker();
});

afterAll(async () => {
  await p?.close();
});

const fakes = () => ({ servicetitan: p.fakes.serviceTitan, twilio: p.fakes.twilio });

describe('the demo tenant', () => {
  it('is created once, with an admin, a CSR and the customers’ names', async () => {
    seed = await seedDemoTenant({ db: p.test.db, box: p.box, env: p.env, fakes: fakes() });
    const second = await seedDemoTenant({ db: p.test.db, box: p.box, env: p.env, fakes: fakes() });
    expect(seed.created).toBe(true);
    expect(second).toMatchObject({ created: false, tenantId: seed.tenantId, phoneNumber: '+15550100200' });
    const users = await p.test.db.models.User.findAll({ where: { tenantId: seed.tenantId } });
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'csr']);
    const config = await p.test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: seed.tenantId }, rejectOnEmpty: true });
    expect(config).toMatchObject({ enabled: true, tenantApiBaseUrl: p.fakes.serviceTitan.url });
    expect(await p.test.db.models.Conversation.count({ where: { tenantId: seed.tenantId } })).toBe(0);
  });

  it('gets its conversations through the pipeline; booking health and the inbox agree on which bookings fail', async () => {
    const sent = await sendDemoConversations({ db: p.test.db, apiUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, seed });
    expect(sent).toEqual({ sent: demoConversations.length, present: 0 });

    const csr = new ApiClient(p.baseUrl);
    await csr.login(seed.csrEmail, seed.csrPassword);
    const page = await csr.get<ConversationPage>('/api/conversations?limit=100');
    expect(page.body.counts.engaged).toBeGreaterThan(15);
    expect(page.body.counts.complaints).toBeGreaterThanOrEqual(4);
    expect(page.body.counts.opt_outs).toBe(4);
    expect(page.body.items[0]?.needsAttention).toBe(true);
    // A conversation the CSR answered last is handled; the workflow sent the reply through Twilio.
    const answered = page.body.items.find((c) => c.contact.firstName === 'Chen');
    expect(answered).toMatchObject({ needsAttention: false, bookingStatus: 'created', lastMessage: { direction: 'outbound' } });
    expect(p.fakes.twilio.messages.some((m) => m.to === demoCustomerPhone(3))).toBe(true);

    const admin = new ApiClient(p.baseUrl);
    await admin.login(seed.adminEmail, seed.adminPassword);
    const health = await admin.get<BookingHealthView>(`/api/tenants/${seed.tenantId}/booking-health`);
    const fates = (fate: string) => demoConversations.flatMap((c, i) => (c.booking === fate ? [demoCustomerPhone(i)] : []));
    const problemsOf = (status: string) => health.body.problems.filter((x) => x.status === status).map((x) => x.contact.phone).sort();
    expect(problemsOf('retrying')).toEqual(fates('retrying').sort());
    expect(problemsOf('failed')).toEqual([...fates('failed'), ...fates('failedOnce')].sort());
    expect(health.body.problems.find((x) => x.status === 'failed')?.lastError).toMatch(/ServiceTitan rejected/);
  });

  it('is not sent again on the next start', async () => {
    const messages = await p.test.db.models.Message.count({ where: { tenantId: seed.tenantId } });
    const again = await sendDemoConversations({ db: p.test.db, apiUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, seed });
    expect(again).toEqual({ sent: 0, present: demoConversations.length });
    expect(await p.test.db.models.Message.count({ where: { tenantId: seed.tenantId } })).toBe(messages);
  });

  it('after a restart, "Retry failed bookings" books the ones refused once and reports the others failing again', async () => {
    await seedDemoTenant({ db: p.test.db, box: p.box, env: p.env, fakes: fakes() });
    const admin = new ApiClient(p.baseUrl);
    await admin.login(seed.adminEmail, seed.adminPassword);
    const res = await admin.post<RetryFailedBookingsView>(`/api/tenants/${seed.tenantId}/bookings/retry-failed`);
    const count = (fate: string) => demoConversations.filter((c) => c.booking === fate).length;
    expect(res.body).toMatchObject({ retried: count('failed') + count('failedOnce'), booked: count('failedOnce'), failedAgain: count('failed') });
    expect(res.body.bookings.filter((b) => b.status === 'failed').map((b) => b.lastError)).toEqual(
      Array.from({ length: count('failed') }, () => expect.stringContaining('not a valid US phone number')),
    );
  });
});
