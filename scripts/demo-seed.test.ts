import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startApi, type RunningApi } from '../api/conversations/api-test-client.ts';
import type { ConversationPage } from '../api/conversations/find-conversations.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../test/fakes/servicetitan/index.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fakes/twilio/index.ts';
import { seedDemoTenant } from './demo-seed.ts';

let test: TestDatabase;
let api: RunningApi;
let st: FakeServiceTitan;
let twilio: FakeTwilio;
const box = new SecretBox(Buffer.alloc(32, 1).toString('base64'));

beforeAll(async () => {
  test = await createTestDatabase();
  [st, twilio] = await Promise.all([startFakeServiceTitan(), startFakeTwilio()]);
  api = await startApi(test.db, { temporalAddress: '127.0.0.1:1', box });
});

afterAll(async () => {
  await api?.close();
  await Promise.all([st?.close(), twilio?.close()]);
  await test?.drop();
});

describe('seedDemoTenant', () => {
  it('creates a signed-in-able demo tenant with ~50 conversations across the tabs, once', async () => {
    const env = { PUBLIC_BASE_URL: 'http://localhost:3000' };
    const first = await seedDemoTenant({ db: test.db, box, env, fakes: { serviceTitan: st, serviceTitanUrl: st.url, twilio } });
    const second = await seedDemoTenant({ db: test.db, box, env, fakes: { servicetitan: st, twilio } });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, tenantId: first.tenantId, phoneNumber: '+15550100200', email: 'admin@demo.intellisend.test' });
    expect(await test.db.models.Tenant.count()).toBe(1);
    expect(twilio.accounts.size).toBe(1);
    expect(st.state.tenants.has('1234567')).toBe(true);
    const config = await test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: first.tenantId }, rejectOnEmpty: true });
    expect(config).toMatchObject({ enabled: true, tenantApiBaseUrl: st.url, authUrl: `${st.url}/connect/token` });

    const csr = new ApiClient(api.baseUrl);
    await csr.login(first.csrEmail, first.csrPassword);
    const page = await csr.get<ConversationPage>('/api/conversations?limit=100');
    const total = page.body.counts.engaged + page.body.counts.opt_outs + page.body.counts.complaints;
    expect(total).toBeGreaterThanOrEqual(45);
    expect(page.body.counts.opt_outs).toBeGreaterThan(3);
    expect(page.body.counts.complaints).toBeGreaterThan(3);
    expect(page.body.items[0]?.needsAttention).toBe(true);
    expect(page.body.items.some((c) => c.bookingStatus === 'created' && c.serviceTitanBookingId)).toBe(true);
    expect(page.body.items.some((c) => c.bookingStatus === 'failed')).toBe(true);
    const failed = await test.db.models.Conversation.findOne({ where: { tenantId: first.tenantId, bookingStatus: 'failed' }, rejectOnEmpty: true });
    expect(failed.bookingLastError).toMatch(/ServiceTitan/);
    await new ApiClient(api.baseUrl).login(first.adminEmail, first.adminPassword);
  });
});
