// The demo tenant is made through the product: its conversations are signed webhooks and CSR replies sent
// to the real API, filed by the real worker with the fake OpenAI and booked against the fake ServiceTitan,
// whose faults make some bookings retry and some fail. Then the demo number's assistant answers the
// guide's conversations with tools on the fake ServiceTitan, and a user can play them again by hand.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../api/conversations/api-test-client.ts';
import type { ConversationPage } from '../api/conversations/find-conversations.ts';
import type { ConversationWithMessages } from '../api/conversations/get-conversation.ts';
import { inboundSmsParams, inboundWebhookUrl, twilioSignature } from '../cli/simulated-inbound.ts';
import type { AssistantView } from '../contract/assistants.ts';
import type { BookingHealthView, RetryFailedBookingsView } from '../contract/settings.ts';
import { loadTwilioCredentials } from '../db/tenant-secrets.ts';
import { assistantStateOf, demoServiceTitanTenant } from '../test/fakes/servicetitan/index.ts';
import { startPipeline, waitFor, type Pipeline } from '../test/support/pipeline.ts';
import { demoTimeZone } from './demo-assistant.ts';
import {
  demoAssistantConversations,
  demoConversations,
  demoCustomerPhone,
  demoPlayableConversations,
  seedDemoTenant,
  sendDemoConversations,
  type DemoSeedResult,
} from './demo-seed.ts';

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

  it('gets its conversations through the pipeline; booking health and the inbox agree on which bookings fail', { timeout: 240_000 }, async () => {
    const sent = await sendDemoConversations({ db: p.test.db, apiUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, seed });
    expect(sent).toEqual({ sent: demoConversations.length + demoAssistantConversations.length, present: 0 });

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
    expect(again).toEqual({ sent: 0, present: demoConversations.length + demoAssistantConversations.length });
    expect(await p.test.db.models.Message.count({ where: { tenantId: seed.tenantId } })).toBe(messages);
  });

  it('has its assistant on the demo number, which answered the guide’s conversations with the fake ServiceTitan’s data', async () => {
    const admin = new ApiClient(p.baseUrl);
    await admin.login(seed.adminEmail, seed.adminPassword);
    const { body } = await admin.get<{ assistants: AssistantView[] }>(`/api/tenants/${seed.tenantId}/assistants`);
    const number = await p.test.db.models.PhoneNumber.findOne({ where: { tenantId: seed.tenantId, phone: seed.phoneNumber }, rejectOnEmpty: true });
    expect(body.assistants).toEqual([
      expect.objectContaining({
        enabled: true,
        mode: 'auto',
        bookingMode: 'job',
        afterHours: 'answer',
        phoneNumberIds: [number.id],
        tools: { customerLookup: true, jobStatus: true, availability: true, booking: true },
      }),
    ]);

    const [booksMaintenance, asksForTech, newCustomer] = demoAssistantConversations.map((c) => c.phone) as [string, string, string];
    // The existing customer: the first SMS with the disclosure, the windows, then the job on the first one.
    const jobs = jobsFor(booksMaintenance);
    expect(jobs).toHaveLength(1);
    const [job] = jobs as [(typeof jobs)[number]];
    expect(seededWindowStarts()).toContain(Date.parse(job.start));
    expect(textsTo(booksMaintenance)).toEqual([
      expect.stringMatching(/^Hi Olivia! This is Riley.*automated assistant/),
      expect.stringContaining(`I have these openings: 1) ${labelOf(job.start)}`),
      `You're booked for ${labelOf(job.start)}-${DateTime.fromISO(job.start).plus({ hours: 4 }).setZone(demoTimeZone).toFormat('h:mm a')}. Your job number is ${job.jobNumber}.`,
    ]);
    // "When is my tech coming?": the dispatched appointment's technician and tracking link.
    expect(textsTo(asksForTech).at(-1)).toMatch(/^Mike is scheduled to arrive .*Track here: https:\/\/track\.servicetitan\.example\/t\/\d+$/);
    // The new customer: name and address came with the pick; the customer is created, then the job.
    expect(textsTo(newCustomer).at(-1)).toMatch(/^You're booked for .*Your job number is \d+\.$/);
    const created = assistantStateOf(p.fakes.serviceTitan.state).customersCreated(demoServiceTitanTenant.tenantId);
    expect(created.map((c) => c.body.name)).toEqual(['Daniel Ortiz']);
    expect(jobsFor(newCustomer)).toHaveLength(1);

    // The inbox shows who answered, and that nobody needs to.
    const csr = new ApiClient(p.baseUrl);
    await csr.login(seed.csrEmail, seed.csrPassword);
    const contact = await p.test.db.models.Contact.findOne({ where: { tenantId: seed.tenantId, phone: booksMaintenance }, rejectOnEmpty: true });
    const conversation = await p.test.db.models.Conversation.findOne({ where: { tenantId: seed.tenantId, contactId: contact.id }, rejectOnEmpty: true });
    const detail = await csr.get<ConversationWithMessages>(`/api/conversations/${conversation.id}`);
    expect(detail.body).toMatchObject({ conversation: { needsAttention: false }, assistant: { state: 'answering' } });
    expect(detail.body.messages.map((m) => m.author)).toEqual(['customer', 'assistant', 'assistant', 'customer', 'assistant']);
  });

  it('plays the guide’s existing-customer conversation by hand: real windows, then exactly one job on the picked one', { timeout: 150_000 }, async () => {
    const [booking] = demoPlayableConversations;
    if (!booking) throw new Error('no playable conversation');
    const noah = booking.from;
    const before = textsTo(noah).length;
    await simulateInbound(noah, booking.texts[0]!);
    const offer = await waitFor(async () => textsTo(noah).slice(before).find((t) => t.startsWith('I have these openings')), { what: 'the windows offered to Noah', timeoutMs: 60_000 });
    // The earliest window ServiceTitan still has room in (the seeded bookings took some).
    const first = firstOpenWindowStart();
    expect(offer).toContain(`1) ${labelOf(first)}`);
    expect(jobsFor(noah)).toHaveLength(0);

    await simulateInbound(noah, booking.texts[1]!);
    const booked = await waitFor(async () => textsTo(noah).slice(before).find((t) => t.startsWith("You're booked")), { what: 'Noah’s booking', timeoutMs: 60_000 });
    const jobs = jobsFor(noah);
    expect(jobs).toHaveLength(1);
    expect(Date.parse(jobs[0]!.start)).toBe(Date.parse(first));
    expect(booked).toContain(`Your job number is ${jobs[0]!.jobNumber}.`);
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

const textsTo = (phone: string) => p.fakes.twilio.messages.filter((m) => m.to === phone).map((m) => m.body);

const demoCapacity = () => assistantStateOf(p.fakes.serviceTitan.state).capacity.filter((w) => w.tenantId === demoServiceTitanTenant.tenantId);
const seededWindowStarts = () => demoCapacity().map((w) => Date.parse(w.startUtc));

/** The earliest window the fake ServiceTitan has room in for the demo tenant (a booked job takes some). */
function firstOpenWindowStart(): string {
  const open = demoCapacity()
    .filter((w) => w.openAvailability > 0 && Date.parse(w.startUtc) > Date.now())
    .map((w) => w.startUtc)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  if (!open[0]) throw new Error('the demo ServiceTitan has no open capacity');
  return open[0];
}

/** How a window reads in a text: day and start time in the business's zone. */
const labelOf = (startUtc: string) => DateTime.fromISO(startUtc).setZone(demoTimeZone).toFormat('ccc LLL d, h:mm a');

/** The jobs the assistant created at the demo's ServiceTitan for the customer with this phone, with their appointment's start. */
function jobsFor(phone: string): Array<{ jobNumber: string; start: string }> {
  const state = assistantStateOf(p.fakes.serviceTitan.state);
  const digits = phone.slice(-10);
  const customerIds = new Set(
    p.fakes.serviceTitan.state.customers.filter((c) => c.tenantId === demoServiceTitanTenant.tenantId && c.phone.replace(/\D/g, '').endsWith(digits)).map((c) => c.id),
  );
  return state.jobsCreated(demoServiceTitanTenant.tenantId).flatMap((created) => {
    if (!customerIds.has(Number(created.body.customerId))) return [];
    const job = state.jobs.find((j) => j.id === created.id);
    const [appointment] = created.body.appointments as Array<{ start: string }>;
    return job && appointment ? [{ jobNumber: job.jobNumber, start: appointment.start }] : [];
  });
}

/** What `npm run cli -- simulate:inbound` sends: the tenant's credentials from the database, Twilio's signature over PUBLIC_BASE_URL. */
async function simulateInbound(from: string, body: string): Promise<void> {
  const credentials = await loadTwilioCredentials(p.test.db, p.box, seed.tenantId);
  if (!credentials) throw new Error('the demo tenant has no Twilio credentials');
  const params = inboundSmsParams({ accountSid: credentials.accountSid, from, to: seed.phoneNumber, body });
  const res = await fetch(inboundWebhookUrl(p.baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(credentials.authToken, inboundWebhookUrl(p.env.PUBLIC_BASE_URL), params),
    },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
}
