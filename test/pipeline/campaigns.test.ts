// SMS campaigns through the real API, Temporal (the campaign workflow on its own task queue), worker,
// PostgreSQL and the real twilio SDK against the fake Twilio: the checks at send time, quiet hours in the
// recipient's time across a DST change, the Florida 3-per-24-h rule and the 5-day cap, Twilio's refusals,
// and exactly one message per recipient through a SIGKILLed worker, pause / resume, a STOP and a cancel.
import { randomInt, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActivityDeps } from '../../activities/index.ts';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import type { CampaignPreview, CampaignView } from '../../contract/campaigns.ts';
import type { Contact } from '../../db/models/contact.ts';
import { batchedPerRun, campaignWorkflowId } from '../../workflows/campaign-definitions.ts';
import { campaignActivitySlots, createActivityDeps, startWorker } from '../../worker.ts';
import { startChildWorker } from '../support/child-worker.ts';
import { createContact, createConversation, createPhoneNumber, createServiceTitanConfig, createTenant, createUser } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
let admin: ApiClient;
let csr: ApiClient;
let numberId: string;
let deps: ActivityDeps;
let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
/** The campaign checks' "now" (quiet hours, caps); null: the real time. */
let fixedNow: Date | null = null;

async function startLocalWorker(): Promise<void> {
  worker = await startWorker({ env: p.env, logger: p.logger, workflowBundle: { codePath: inject('workflowBundlePath') }, deps });
}
async function stopLocalWorker(): Promise<void> {
  await worker?.shutdown();
  worker = null;
}

beforeAll(async () => {
  p = await startPipeline({ serviceTitan: false, openai: false, worker: false });
  deps = { ...createActivityDeps(p.env, p.logger), clock: () => fixedNow ?? new Date() };
  await startLocalWorker();
  const a = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'admin' });
  const c = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  admin = new ApiClient(p.baseUrl);
  csr = new ApiClient(p.baseUrl);
  await admin.login(a.user.email, a.password);
  await csr.login(c.user.email, c.password);
  numberId = (await p.test.db.models.PhoneNumber.findOne({ where: { phone: p.ourNumber }, rejectOnEmpty: true })).id;
}, 120_000);

afterAll(async () => {
  await stopLocalWorker();
  await deps?.db.sequelize.close();
  await p?.close();
});

/** A zone where it is daytime now, whatever time the tests run: contacts there may be texted at once. */
function daytimeZone(): string {
  const zones = ['Pacific/Kiritimati', 'Pacific/Auckland', 'Asia/Tokyo', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
  const zone = zones.find((z) => {
    const h = DateTime.now().setZone(z).hour;
    return h >= 9 && h < 18;
  });
  if (!zone) throw new Error('no daytime zone found');
  return zone;
}

/** A number in a real area code (212 New York, 305 Miami, 415 San Francisco…). */
const phoneIn = (areaCode: number) => `+1${areaCode}${randomInt(2_000_000, 9_999_999)}`;

function contact(tag: string, attrs: Partial<Parameters<typeof createContact>[1]> = {}): Promise<Contact> {
  return createContact(p.test.db, { tenantId: p.tenant.id, phone: phoneIn(212), tags: [tag], marketingConsent: 'granted', timeZone: daytimeZone(), ...attrs });
}

const defaultBody = 'Hi {firstName|friend}, {business} here: 20% off AC tune-ups this week.';

async function createCampaign(tag: string, extra: Record<string, unknown> = {}): Promise<CampaignView> {
  const res = await admin.post<{ campaign: CampaignView }>('/api/campaigns', {
    name: `Spring ${tag}`, body: defaultBody, fromNumberIds: [numberId], audience: { tags: [tag] }, messagesPerSecond: 0, ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.campaign;
}

async function act(id: string, action: 'start' | 'pause' | 'resume' | 'cancel'): Promise<CampaignView> {
  const res = await admin.post<{ campaign: CampaignView }>(`/api/campaigns/${id}/${action}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.campaign;
}

async function campaign(id: string): Promise<CampaignView> {
  return (await admin.get<{ campaign: CampaignView }>(`/api/campaigns/${id}`)).body.campaign;
}

function until(id: string, what: string, test: (c: CampaignView) => boolean, timeoutMs = 60_000): Promise<CampaignView> {
  return waitFor(async () => {
    const c = await campaign(id);
    return test(c) ? c : null;
  }, { timeoutMs, what: `campaign ${what}` });
}

const textsTo = (phone: string) => p.fakes.twilio.messages.filter((m) => m.to === phone);

/**
 * The fake posts its status callbacks to PUBLIC_BASE_URL, which is not this test's server: deliver the
 * `delivered` ones for these numbers' messages (URL, form and signature exactly as Twilio made them).
 */
async function deliverCallbacks(phones: string[]): Promise<void> {
  const sids = new Set(phones.flatMap((ph) => textsTo(ph).map((m) => m.sid)));
  await waitFor(async () => p.fakes.twilio.callbacks.filter((c) => sids.has(c.messageSid) && c.status === 'delivered').length === sids.size, {
    what: "the fake Twilio's delivered callbacks",
  });
  for (const cb of p.fakes.twilio.callbacks.filter((c) => sids.has(c.messageSid) && c.status === 'delivered')) {
    const url = new URL(cb.url);
    const res = await fetch(p.baseUrl + url.pathname + url.search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': cb.signature },
      body: new URLSearchParams(cb.params).toString(),
    });
    expect(res.status).toBe(200);
  }
}

async function recipientRow(campaignId: string, contactId: string) {
  const [row] = await p.test.db.sequelize.query<{ state: string; not_before: Date | null; wait_reason: string | null; body: string | null }>(
    `SELECT state, not_before, wait_reason, body FROM campaign_recipients WHERE campaign_id = $1 AND contact_id = $2`,
    { type: QueryTypes.SELECT, bind: [campaignId, contactId] },
  );
  return row;
}

describe('campaigns API', () => {
  it('refuses bad input with the field, CSR writes with 403, and previews the audience with segments', async () => {
    const tag = `api-${randomUUID().slice(0, 6)}`;
    await contact(tag, { firstName: 'Ana' });
    await contact(tag, { marketingConsent: 'unknown' });
    const bad = await admin.post<{ error: string; fields: Record<string, string> }>('/api/campaigns', {
      name: 'x', body: 'Hi {frist}', fromNumberIds: [numberId], audience: { tags: [tag] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.body).toContain('{frist}');
    const foreign = await admin.post<{ fields: Record<string, string> }>('/api/campaigns', { name: 'x', body: 'Hi', fromNumberIds: [randomUUID()], audience: { tags: [] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.fields.fromNumberIds).toBeDefined();
    expect((await csr.post('/api/campaigns', { name: 'x', body: 'Hi', fromNumberIds: [numberId], audience: { tags: [] } })).status).toBe(403);

    const preview = await admin.post<CampaignPreview>('/api/campaigns/preview', { body: defaultBody, audience: { tags: [tag] } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ audienceCount: 1, encoding: 'GSM-7', segments: 1 });
    expect(preview.body.sample).toBe(`Hi Ana, ${p.tenant.name} here: 20% off AC tune-ups this week. Reply STOP to opt out.`);
    const emoji = await admin.post<CampaignPreview>('/api/campaigns/preview', { body: `${'Cool deal 😎 '.repeat(6)}`, audience: { tags: [tag] } });
    expect(emoji.body).toMatchObject({ encoding: 'UCS-2', segments: 2 });

    const created = await createCampaign(tag);
    expect(created).toMatchObject({ status: 'draft', audienceCount: 1 });
    expect((await csr.post(`/api/campaigns/${created.id}/start`)).status).toBe(403);
    expect((await csr.get<{ campaign: CampaignView }>(`/api/campaigns/${created.id}`)).body.campaign.id).toBe(created.id);
    expect((await admin.post(`/api/campaigns/${created.id}/resume`)).status).toBe(409);
    expect((await act(created.id, 'cancel')).status).toBe('canceled');

    // Another tenant's admin neither sees nor runs it, nor counts our contacts.
    const { tenant: other } = await createTenant(p.test.db, p.box);
    const outsider = await createUser(p.test.db, { tenantId: other.id, role: 'admin' });
    const them = new ApiClient(p.baseUrl);
    await them.login(outsider.user.email, outsider.password);
    expect((await them.get(`/api/campaigns/${created.id}`)).status).toBe(404);
    expect((await them.post(`/api/campaigns/${created.id}/start`)).status).toBe(404);
    expect((await them.get<{ items: CampaignView[] }>('/api/campaigns')).body.items).toEqual([]);
    expect((await them.post<CampaignPreview>('/api/campaigns/preview', { body: 'Hi', audience: { tags: [tag] } })).body.audienceCount).toBe(0);
    const ours = await them.post('/api/campaigns', { name: 'x', body: 'Hi', fromNumberIds: [numberId], audience: { tags: [] } });
    expect(ours.status).toBe(400);
  });
});

describe('sending', () => {
  it('checks every recipient at send time, counts each skip under its reason, and a refused number never stops the campaign', async () => {
    const tag = `checks-${randomUUID().slice(0, 6)}`;
    const ana = await contact(tag, { firstName: 'Ana' });
    const nameless = await contact(tag, { firstName: null });
    const noConsent = await contact(tag, { marketingConsent: 'unknown' });
    const needsPerson = await contact(tag);
    await createConversation(p.test.db, { tenantId: p.tenant.id, contactId: needsPerson.id, phoneNumberId: numberId, needsAttention: true });
    const invalid = await contact(tag);
    p.fakes.twilio.recipientErrors.fail(invalid.phone, 21211);
    const carrierStop = await contact(tag);
    p.fakes.twilio.blockRecipient(carrierStop.phone);
    const laterOptOut = await contact(tag);

    const created = await createCampaign(tag);
    expect(created.audienceCount).toBe(6);
    // Opts out after the audience was counted: nothing reaches them.
    await laterOptOut.update({ optedOut: true, optedOutAt: new Date(), optedOutSource: 'keyword' });
    await act(created.id, 'start');
    const done = await until(created.id, 'to finish', (c) => c.status === 'done');

    expect(done.counts).toMatchObject({ queued: 0, sent: 2, failed: 2, unknown: 0, skipped: 3 });
    expect(done.skippedReasons).toEqual({ no_consent: 1, needs_attention: 1, opted_out: 1 });
    expect(textsTo(ana.phone).map((m) => m.body)).toEqual([`Hi Ana, ${p.tenant.name} here: 20% off AC tune-ups this week. Reply STOP to opt out.`]);
    expect(textsTo(nameless.phone).map((m) => m.body)).toEqual([`Hi friend, ${p.tenant.name} here: 20% off AC tune-ups this week. Reply STOP to opt out.`]);
    for (const c of [noConsent, needsPerson, invalid, carrierStop, laterOptOut]) expect(textsTo(c.phone)).toEqual([]);
    // 21610: the carrier says they replied STOP — opted out here too, consent revoked.
    await carrierStop.reload();
    expect(carrierStop).toMatchObject({ optedOut: true, optedOutSource: 'carrier', marketingConsent: 'revoked' });

    // Delivery comes from Twilio's status callbacks; a reply threads into the contact's conversation.
    await deliverCallbacks([ana.phone, nameless.phone]);
    await until(created.id, 'deliveries', (c) => c.counts.delivered === 2);
    expect((await p.sendInbound({ from: ana.phone, body: 'Yes, book me for Tuesday' })).status).toBe(200);
    await until(created.id, 'a reply', (c) => c.counts.replied === 1);
    const conversation = await p.conversationWith(ana.phone);
    const bodies = (await p.test.db.models.Message.findAll({ where: { conversationId: conversation?.id ?? '' }, order: [['createdAt', 'ASC']] })).map((m) => m.body);
    expect(bodies).toEqual([textsTo(ana.phone)[0]?.body, 'Yes, book me for Tuesday']);

    // A second campaign to the same people: no STOP line any more (not their first marketing message).
    const again = await createCampaign(tag, { recentMarketingDays: 0 });
    await act(again.id, 'start');
    await until(again.id, 'to finish', (c) => c.status === 'done');
    expect(textsTo(nameless.phone).at(-1)?.body).toBe(`Hi friend, ${p.tenant.name} here: 20% off AC tune-ups this week.`);
    expect(textsTo(carrierStop.phone)).toEqual([]);
  }, 120_000);

  it('a reply to a campaign books with the campaign named and its text quoted; a later episode answers no campaign', async () => {
    // This file's tenant books nothing; here it books at the fake ServiceTitan, and stops again afterwards.
    const { config } = await createServiceTitanConfig(p.test.db, p.box, {
      tenantId: p.tenant.id,
      tenantApiBaseUrl: p.fakes.serviceTitan.url,
      authUrl: p.fakes.serviceTitan.authUrl,
      serviceTitanTenantId: p.serviceTitan.tenantId,
      clientId: p.serviceTitan.clientId,
      clientSecret: p.serviceTitan.clientSecret,
      appKey: p.serviceTitan.appKey,
      bookingProvider: String(p.serviceTitan.bookingProvider),
      enabled: true,
    });
    try {
      const tag = `reply-${randomUUID().slice(0, 6)}`;
      const bea = await contact(tag, { firstName: 'Bea' });
      const created = await createCampaign(tag);
      await act(created.id, 'start');
      await until(created.id, 'to finish', (c) => c.status === 'done');
      const [sent] = textsTo(bea.phone);
      expect(sent?.body).toBe(`Hi Bea, ${p.tenant.name} here: 20% off AC tune-ups this week. Reply STOP to opt out.`);

      expect((await p.sendInbound({ from: bea.phone, body: 'Yes, book me for Tuesday' })).status).toBe(200);
      const booked = await waitFor(async () => {
        const c = await p.conversationWith(bea.phone);
        return c?.serviceTitanBookingId ? c : null;
      }, { what: 'the reply to be booked' });
      const bookingsOf = (id: string) => p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => String(b.body.externalId).includes(id));
      const [booking] = bookingsOf(booked.id);
      expect(booking?.body.externalId).toBe(`intellisend-conversation-${booked.id}-episode-${booked.episode}`);
      const summary = String(booking?.body.summary);
      expect(summary).toContain(`\nReply to campaign "${created.name}": "${sent?.body}"\nLast customer message: Yes, book me for Tuesday\n`);

      // Resolved, then a new problem weeks later: that episode answers no campaign.
      expect((await csr.post(`/api/conversations/${booked.id}/resolve`)).status).toBe(200);
      expect((await p.sendInbound({ from: bea.phone, body: 'The AC is leaking water now' })).status).toBe(200);
      const later = await waitFor(async () => bookingsOf(booked.id).find((b) => b.body.externalId !== booking?.body.externalId), {
        what: "the next episode's booking",
      });
      expect(String(later.body.summary)).toContain('Last customer message: The AC is leaking water now');
      expect(String(later.body.summary)).not.toContain('Reply to campaign');
    } finally {
      await config.destroy();
    }
  }, 120_000);

  it('quiet hours in the recipient’s time: started 20:30 Eastern, a Pacific contact at once, a Florida one at 08:00 next day (across the DST change)', async () => {
    const tag = `quiet-${randomUUID().slice(0, 6)}`;
    // Saturday 13 March 2027, 20:30 EST; clocks spring forward at 02:00 that night.
    fixedNow = new Date('2027-03-14T01:30:00Z');
    try {
      const pacific = await contact(tag, { phone: phoneIn(415), timeZone: null });
      const florida = await contact(tag, { phone: phoneIn(305), timeZone: null });
      // A toll-free number says nowhere: the tenant's zone decides (Denver, 18:30 there: inside the window).
      const unplaced = await contact(tag, { phone: phoneIn(800), timeZone: null });
      await p.test.db.models.Tenant.update({ timeZone: 'America/Denver' }, { where: { id: p.tenant.id } });
      const created = await createCampaign(tag);
      await act(created.id, 'start');
      const waiting = await until(created.id, 'the Pacific text and the Florida wait', (c) => c.counts.sent === 2 && c.counts.waiting === 1);
      expect(waiting.status).toBe('sending');
      expect(textsTo(pacific.phone)).toHaveLength(1);
      expect(textsTo(unplaced.phone)).toHaveLength(1);
      expect(textsTo(florida.phone)).toHaveLength(0);
      // 08:00 EDT (UTC−4 after the change), not 08:00 EST.
      expect(await recipientRow(created.id, florida.id)).toMatchObject({ state: 'queued', not_before: new Date('2027-03-14T12:00:00Z'), wait_reason: 'quiet_hours' });

      // Morning comes; a pause and resume wakes the waiting workflow now instead of in ten real hours.
      fixedNow = new Date('2027-03-14T12:00:05Z');
      await act(created.id, 'pause');
      await act(created.id, 'resume');
      await until(created.id, 'to finish', (c) => c.status === 'done');
      expect(textsTo(florida.phone)).toHaveLength(1);
      expect(textsTo(pacific.phone)).toHaveLength(1);
    } finally {
      fixedNow = null;
      await p.test.db.models.Tenant.update({ timeZone: 'America/New_York' }, { where: { id: p.tenant.id } });
    }
  }, 120_000);

  it('Florida: at most 3 marketing texts per 24 h (the 4th waits); anyone texted in the last 5 days is skipped', async () => {
    const tag = `caps-${randomUUID().slice(0, 6)}`;
    const florida = await contact(tag, { phone: phoneIn(305) });
    const newYork = await contact(tag, { phone: phoneIn(212) });
    for (let i = 0; i < 3; i++) {
      const c = await createCampaign(tag, { recentMarketingDays: 0 });
      await act(c.id, 'start');
      await until(c.id, `${i + 1} to finish`, (v) => v.status === 'done');
    }
    expect(textsTo(florida.phone)).toHaveLength(3);
    const fourth = await createCampaign(tag, { recentMarketingDays: 0 });
    await act(fourth.id, 'start');
    await until(fourth.id, 'New York sent, Florida waiting', (c) => c.counts.sent === 1 && c.counts.waiting === 1);
    expect(await recipientRow(fourth.id, florida.id)).toMatchObject({ state: 'queued', wait_reason: 'state_daily_cap' });
    expect(textsTo(newYork.phone)).toHaveLength(4);
    expect((await act(fourth.id, 'cancel')).status).toBe('canceled');
    await p.temporal.workflow.getHandle(campaignWorkflowId(p.tenant.id, fourth.id)).result();
    expect(textsTo(florida.phone)).toHaveLength(3);

    const fifth = await createCampaign(tag);
    await act(fifth.id, 'start');
    const done = await until(fifth.id, 'to finish', (c) => c.status === 'done');
    expect(done.skippedReasons).toEqual({ recent_marketing: 2 });
  }, 180_000);
});

describe('exactly one message per recipient', () => {
  // Paced, each recipient is an activity; without a pace they go in batches (a slow Twilio keeps the
  // campaign running long enough to be killed and paused mid-way).
  it.each([
    { how: 'paced (4/s)', messagesPerSecond: 4, twilioLatencyMs: 0 },
    { how: 'in batches (no pace)', messagesPerSecond: 0, twilioLatencyMs: 300 },
  ])('$how: through a SIGKILLed worker, a pause and resume, and a STOP while the campaign runs', async ({ messagesPerSecond, twilioLatencyMs }) => {
    const tag = `kill-${randomUUID().slice(0, 6)}`;
    const people = await Promise.all(Array.from({ length: 40 }, () => contact(tag)));
    const phones = new Set(people.map((c) => c.phone));
    const textsToThem = () => p.fakes.twilio.messages.filter((m) => phones.has(m.to));
    const created = await createCampaign(tag, { messagesPerSecond });

    let stopperPhone = '';
    p.fakes.twilio.latencyMs = twilioLatencyMs;
    try {
      await stopLocalWorker();
      const child = await startChildWorker(p.env);
      try {
        await act(created.id, 'start');
        await waitFor(async () => textsToThem().length >= 8, { timeoutMs: 60_000, what: '8 texts from the child worker' });
        await child.kill();
      } finally {
        await child.kill();
      }
      await startLocalWorker();
      await waitFor(async () => textsToThem().length >= 16, { timeoutMs: 60_000, what: 'the campaign to go on after the kill' });

      await act(created.id, 'pause');
      // Sends already claimed finish; nothing else goes out while the campaign is paused (the STOP below
      // takes its time through the pipeline meanwhile).
      await waitFor(
        async () => {
          const [row] = await p.test.db.sequelize.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM campaign_recipients r JOIN messages m ON m.id = r.message_id WHERE r.campaign_id = $1 AND m.status = 'sending'`,
            { type: QueryTypes.SELECT, bind: [created.id] },
          );
          return row?.n === 0;
        },
        { timeoutMs: 90_000, what: 'the sends in flight at the pause to settle (one the kill cut off: after its claim runs out)' },
      );
      const textsAtPause = textsToThem().length;
      const [stopper] = await p.test.db.sequelize.query<{ contact_id: string }>(
        `SELECT contact_id FROM campaign_recipients WHERE campaign_id = $1 AND state = 'queued' LIMIT 1`,
        { type: QueryTypes.SELECT, bind: [created.id] },
      );
      const stopperContact = people.find((c) => c.id === stopper?.contact_id);
      expect(stopperContact).toBeDefined();
      expect((await p.sendInbound({ from: stopperContact!.phone, body: 'STOP' })).status).toBe(200);
      await waitFor(async () => (await stopperContact!.reload()).optedOut, { what: 'the STOP to opt the contact out' });
      stopperPhone = stopperContact!.phone;
      expect(textsToThem().length, 'texts sent while paused').toBe(textsAtPause);
      expect((await campaign(created.id)).counts.queued).toBeGreaterThan(0);
      await act(created.id, 'resume');
    } finally {
      p.fakes.twilio.latencyMs = 0;
    }
    const done = await until(created.id, 'to finish', (c) => c.status === 'done', 90_000);

    const perPhone = new Map<string, number>();
    for (const m of textsToThem()) perPhone.set(m.to, (perPhone.get(m.to) ?? 0) + 1);
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    expect(perPhone.has(stopperPhone)).toBe(false);
    // A send the kill cut off mid-way is `unknown` and never resent; every other recipient got exactly one.
    expect(done.counts.sent + done.counts.unknown).toBe(39);
    expect(done.skippedReasons).toEqual({ opted_out: 1 });
    expect(textsToThem().length).toBeGreaterThanOrEqual(done.counts.sent);
    expect(textsToThem().length).toBeLessThanOrEqual(39);

    // Every run of the campaign's workflow stays far below Temporal's 10,000-event ceiling.
    const id = campaignWorkflowId(p.tenant.id, created.id);
    const runs: string[] = [];
    for await (const run of p.temporal.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(run.runId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const runId of runs) {
      const described = await p.temporal.workflow.getHandle(id, runId).describe();
      expect(described.historyLength).toBeLessThan(10_000);
    }
  }, 240_000);

  it('1,200 recipients: continue-as-new per page of the audience and per run of sends, every run far below 10,000 events, each texted once', async () => {
    const tag = `big-${randomUUID().slice(0, 6)}`;
    const zone = daytimeZone();
    await p.test.db.sequelize.query(
      `INSERT INTO contacts (id, tenant_id, phone, first_name, tags, marketing_consent, time_zone, created_at, updated_at)
       SELECT gen_random_uuid(), $1, '+1646' || lpad((2000000 + g)::text, 7, '0'), 'Guest ' || g, ARRAY[$2], 'granted', $3, now(), now()
         FROM generate_series(1, 1200) g`,
      { bind: [p.tenant.id, tag, zone] },
    );
    const created = await createCampaign(tag);
    expect(created.audienceCount).toBe(1200);
    await act(created.id, 'start');
    // About a minute on a quiet 2-core machine, three on one loaded several times over (as CI is, running
    // other files beside this one): every send is a few round trips to Postgres, Temporal and Twilio.
    const done = await until(created.id, 'to finish', (c) => c.status === 'done', 300_000);
    expect(done.counts).toMatchObject({ queued: 0, sent: 1200, failed: 0, unknown: 0, skipped: 0 });
    const texts = p.fakes.twilio.messages.filter((m) => m.to.startsWith('+1646'));
    expect(new Set(texts.map((m) => m.to)).size).toBe(1200);
    expect(texts).toHaveLength(1200);

    const id = campaignWorkflowId(p.tenant.id, created.id);
    const lengths: number[] = [];
    for await (const run of p.temporal.workflow.list({ query: `WorkflowId = '${id}'` })) {
      lengths.push((await p.temporal.workflow.getHandle(id, run.runId).describe()).historyLength);
    }
    // One run adds the audience, then one per run's share of the sends (no pace: in batches).
    expect(lengths.length).toBeGreaterThanOrEqual(1 + Math.ceil(1200 / batchedPerRun));
    expect(Math.max(...lengths)).toBeLessThan(10_000);
  }, 360_000);

  it('a campaign that fills its worker slots never delays a reply: conversations run on their own task queue', async () => {
    const tag = `busy-${randomUUID().slice(0, 6)}`;
    await Promise.all(Array.from({ length: 120 }, () => contact(tag)));
    // Numbers of its own, so the other tests' pace is not touched.
    const numberIds: string[] = [];
    for (let i = 0; i < 5; i++) numberIds.push((await createPhoneNumber(p.test.db, { tenantId: p.tenant.id })).id);
    // A slow Twilio and no pace: every one of the campaign worker's activity slots holds a send.
    p.fakes.twilio.latencyMs = 2_000;
    try {
      const created = await createCampaign(tag, { fromNumberIds: numberIds, messagesPerSecond: 0 });
      await act(created.id, 'start');
      await waitFor(
        async () => {
          const [row] = await p.test.db.sequelize.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM campaign_recipients r JOIN messages m ON m.id = r.message_id
              WHERE r.campaign_id = $1 AND m.status = 'sending'`,
            { type: QueryTypes.SELECT, bind: [created.id] },
          );
          return (row?.n ?? 0) >= campaignActivitySlots;
        },
        { what: "the campaign worker's slots to be full of sends" },
      );
      const customer = phoneIn(917);
      const sentAt = Date.now();
      expect((await p.sendInbound({ from: customer, body: 'Is anyone there? My heater is out.' })).status).toBe(200);
      const filed = await waitFor(async () => {
        const c = await p.conversationWith(customer);
        return c?.classificationSource ? c : null;
      }, { timeoutMs: 20_000, what: 'the reply to be filed while the campaign runs' });
      expect(filed.needsAttention).toBe(true);
      expect(Date.now() - sentAt).toBeLessThan(15_000);
      await act(created.id, 'cancel');
      await p.temporal.workflow.getHandle(campaignWorkflowId(p.tenant.id, created.id)).result();
    } finally {
      p.fakes.twilio.latencyMs = 0;
    }
  }, 120_000);

  it('cancel stops further sends', async () => {
    const tag = `cancel-${randomUUID().slice(0, 6)}`;
    const people = await Promise.all(Array.from({ length: 20 }, () => contact(tag)));
    const phones = new Set(people.map((c) => c.phone));
    const textsToThem = () => p.fakes.twilio.messages.filter((m) => phones.has(m.to));
    const created = await createCampaign(tag, { messagesPerSecond: 2 });
    await act(created.id, 'start');
    await waitFor(async () => textsToThem().length >= 3, { what: '3 texts' });
    expect((await act(created.id, 'cancel')).status).toBe('canceled');
    await p.temporal.workflow.getHandle(campaignWorkflowId(p.tenant.id, created.id)).result();
    const final = await campaign(created.id);
    expect(final.status).toBe('canceled');
    expect(final.finishedAt).not.toBeNull();
    expect(final.counts.queued).toBeGreaterThan(0);
    expect(textsToThem().length).toBe(final.counts.sent + final.counts.unknown);
    expect(textsToThem().length).toBeLessThan(20);
  }, 120_000);
});

describe('pace and outcomes', () => {
  it('holds each number to its pace (1 message/s) within 5 %, every number at once, without waiting sends holding worker slots', async () => {
    const tag = `pace-${randomUUID().slice(0, 6)}`;
    const numbers = 5;
    const warmupMs = 2_000;
    // The rule's own window: over a few seconds one send early or late at an edge (the machine busy for a
    // moment) is more than 5 %.
    const windowMs = 60_000;
    // Enough recipients that no number runs out before the window ends.
    const perNumber = (warmupMs + windowMs) / 1000 + 10;
    await p.test.db.sequelize.query(
      `INSERT INTO contacts (id, tenant_id, phone, tags, marketing_consent, time_zone, created_at, updated_at)
       SELECT gen_random_uuid(), $1, '+1718' || lpad(($4 + g)::text, 7, '0'), ARRAY[$2], 'granted', $3, now(), now()
         FROM generate_series(1, $5::int) g`,
      { bind: [p.tenant.id, tag, daytimeZone(), randomInt(2_000_000, 9_000_000), numbers * perNumber] },
    );
    const phoneById = new Map<string, string>();
    for (let i = 0; i < numbers; i++) {
      const n = await createPhoneNumber(p.test.db, { tenantId: p.tenant.id });
      phoneById.set(n.id, n.phone);
    }
    const ours = new Set(phoneById.values());
    const texts = () => p.fakes.twilio.messages.filter((m) => ours.has(m.from));
    const created = await createCampaign(tag, { fromNumberIds: [...phoneById.keys()], messagesPerSecond: 1 });
    await act(created.id, 'start');

    // The window opens once every number has begun, and closes when each has texted past its end.
    const begun = await waitFor(async () => (new Set(texts().map((m) => m.from)).size === numbers ? Date.now() : null), {
      what: 'every number to send its first text',
    });
    const from = begun + warmupMs;
    const to = from + windowMs;
    await waitFor(async () => [...ours].every((phone) => texts().some((m) => m.from === phone && m.dateCreated.getTime() >= to)), {
      timeoutMs: warmupMs + windowMs + 30_000,
      what: 'every number to text past the window',
    });
    await act(created.id, 'cancel');
    await p.temporal.workflow.getHandle(campaignWorkflowId(p.tenant.id, created.id)).result();

    const inWindow = texts().filter((m) => m.dateCreated.getTime() >= from && m.dateCreated.getTime() < to);
    const expected = (numbers * windowMs) / 1000;
    const counts = [...ours].map((phone) => inWindow.filter((m) => m.from === phone).length);
    expect(Math.abs(inWindow.length - expected) / expected, `${inWindow.length} texts in the window (${counts.join(', ')}), ${expected} expected`).toBeLessThanOrEqual(0.05);
    for (const phone of ours) {
      const n = inWindow.filter((m) => m.from === phone).length;
      expect(Math.abs(n - windowMs / 1000) / (windowMs / 1000), `${phone}: ${n} texts`).toBeLessThanOrEqual(0.05);
    }
    // Exactly once, pace or not.
    expect(new Set(texts().map((m) => m.to)).size).toBe(texts().length);
  }, 180_000);

  it('a send slowed past its heartbeat timeout that then certainly did not reach Twilio is sent once, not recorded unknown', async () => {
    const tag = `slow-${randomUUID().slice(0, 6)}`;
    const dee = await contact(tag, { firstName: 'Dee' });
    const created = await createCampaign(tag);
    // The recipient is added before the start (the audience step adds it again as a no-op), so the test can
    // hold its row lock: the send then waits for the database, as a send on a busy machine does.
    await p.test.db.sequelize.query(
      `INSERT INTO campaign_recipients (campaign_id, contact_id, tenant_id, phone_number_id) VALUES ($1, $2, $3, $4)`,
      { bind: [created.id, dee.id, p.tenant.id, numberId] },
    );
    const lock = await p.test.db.sequelize.transaction();
    const before = p.fakes.twilio.requestCount;
    try {
      await p.test.db.sequelize.query(`SELECT 1 FROM campaign_recipients WHERE campaign_id = $1 AND contact_id = $2 FOR UPDATE`, {
        bind: [created.id, dee.id],
        transaction: lock,
      });
      await act(created.id, 'start');
      // The send waits 25 s for the row; Twilio then takes 10 s to answer 503 (certainly not sent).
      await waitFor(
        async () => {
          const [row] = await p.test.db.sequelize.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE '%campaign_recipients%FOR UPDATE%' AND now() - query_start > interval '25 seconds'`,
            { type: QueryTypes.SELECT },
          );
          return (row?.n ?? 0) > 0;
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'the send to wait 25 s for the database' },
      );
      p.fakes.twilio.latencyMs = 10_000;
      p.fakes.twilio.faults.set({ mode: 'down', status: 503, times: 1 });
    } finally {
      await lock.commit();
    }
    // Only that request is slow: the latency is read as a request arrives.
    try {
      await waitFor(async () => p.fakes.twilio.requestCount > before, { timeoutMs: 30_000, what: 'the slow request' });
    } finally {
      p.fakes.twilio.latencyMs = 0;
    }
    const done = await until(created.id, 'to finish', (c) => c.status === 'done', 90_000);
    expect(done.counts).toMatchObject({ sent: 1, unknown: 0, failed: 0, queued: 0 });
    expect(textsTo(dee.phone)).toHaveLength(1);
    expect(await recipientRow(created.id, dee.id)).toMatchObject({ state: 'sent' });
  }, 180_000);
});
