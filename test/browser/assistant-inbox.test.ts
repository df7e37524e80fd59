// The assistant in the CSR's inbox, in a real browser against the real server, worker, database and
// fakes: a customer texts the number its assistant answers; the CSR sees who is speaking and the
// assistant's replies (apart from a person's), opens "Why did it say this?" (the tools it called, with
// what went in and came out), takes the session over (the next text gets no automated answer) and hands
// it back. In draft mode the assistant's suggestion fills the reply box and nothing goes out until sent.
// In job mode the job the assistant booked is in the side panel (number, arrival window) and the list.
import type { Browser, Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertAssistant, setAssistantNumbers, updateAssistant, type AssistantFields } from '../../db/repositories/assistants.ts';
import { seedAssistantData } from '../fakes/servicetitan/index.ts';
import { testAssistantFields } from '../support/assistant-fields.ts';
import { createUser, uniquePhone } from '../support/factories.ts';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
let assistantId = '';
const customer = uniquePhone();
const drafting = uniquePhone();
const booking = uniquePhone();

const assistant: AssistantFields = testAssistantFields();

const textsTo = (phone: string) => stack.fakes.twilio.messages.filter((m) => m.to === phone);
const conversationOf = async (phone: string) => {
  const contact = await stack.test.db.models.Contact.findOne({ where: { tenantId: stack.tenant.id, phone } });
  return contact ? stack.test.db.models.Conversation.findOne({ where: { contactId: contact.id } }) : null;
};
const assistantMessages = () => page.locator('.message[data-author="assistant"]');
const strip = () => page.getByRole('region', { name: 'Assistant' });

beforeAll(async () => {
  stack = await startStack();
  const db = stack.test.db;
  // The booking defaults the availability tool needs (the fake's seeded business unit and job type).
  await db.models.ServiceTitanConfig.update({ businessUnitId: 11, jobTypeId: 21, campaignId: 31 }, { where: { tenantId: stack.tenant.id } });
  const config = await db.models.ServiceTitanConfig.findOne({ where: { tenantId: stack.tenant.id }, rejectOnEmpty: true });
  seedAssistantData(stack.fakes.serviceTitan, { tenantId: config.serviceTitanTenantId!, timeZone: assistant.timeZone, existingCustomerPhone: customer.slice(2), existingCustomerName: 'Pat Morgan' });
  assistantId = await db.sequelize.transaction(async (transaction) => {
    const id = await insertAssistant(db, stack.tenant.id, assistant, transaction);
    await setAssistantNumbers(db, stack.tenant.id, id, [stack.ourNumber.id], transaction);
    return id;
  });
  const { user, password } = await createUser(db, { tenantId: stack.tenant.id, role: 'csr' });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signIn(context, stack.baseUrl, user.email, password);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-assistant-inbox-${task.name}`).catch(() => {});
  });
});

describe('the assistant in the inbox', () => {
  it('shows the assistant answering, its replies apart from a person’s, and why it said what it said', async () => {
    expect((await stack.sendInbound({ from: customer, body: 'Hi, I would like to book a maintenance visit for my AC' })).status).toBe(200);
    await expect.poll(() => textsTo(customer).length, { timeout: 45_000 }).toBe(2);
    const conversation = (await conversationOf(customer))!;
    await page.goto(`${stack.baseUrl}/conversations/${conversation.id}`);

    await expect.poll(() => strip().textContent()).toContain('Assistant answering');
    expect(await strip().getByRole('button', { name: 'Take over' }).isVisible()).toBe(true);
    await expect.poll(() => assistantMessages().count()).toBe(2);
    // The list names who had the last word.
    await expect.poll(() => page.locator(`a.row[data-conversation-id="${conversation.id}"] .you`).textContent()).toBe('Assistant:\u00a0');
    expect(await assistantMessages().last().locator('.body').textContent()).toMatch(/I have these openings/);
    expect(await assistantMessages().last().locator('.meta').textContent()).toContain('Assistant');
    // Apart from a person's: the assistant's colour, not the outbound blue.
    const background = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background('.message[data-author="assistant"] .body')).not.toBe(await background('.message.inbound .body'));

    // "Why did it say this?": a disclosure whose state is the URL's.
    const why = assistantMessages().last().getByRole('link', { name: 'Why did it say this?' });
    expect(await why.getAttribute('aria-expanded')).toBe('false');
    await why.click();
    await page.waitForURL((url) => url.searchParams.has('trace'));
    const trace = assistantMessages().last().locator('.trace');
    await expect.poll(() => trace.isVisible()).toBe(true);
    expect(await why.getAttribute('aria-expanded')).toBe('true');
    expect(await trace.textContent()).toContain('Tool: check_availability');
    expect(await trace.textContent()).toMatch(/Model: \S+/);
    expect(await trace.textContent()).toMatch(/\d+ \+ \d+ tokens/);
    expect(await trace.locator('pre').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'assistant-inbox-trace-1280');
    // A reload shows the same trace; the link closes it.
    await page.reload();
    await expect.poll(() => trace.isVisible()).toBe(true);
    await why.click();
    await page.waitForURL((url) => !url.searchParams.has('trace'));
    await expect.poll(() => trace.count()).toBe(0);
  });

  it('takes the session over (the next text gets no automated answer) and hands it back', async () => {
    await strip().getByRole('button', { name: 'Take over' }).click();
    await expect.poll(() => strip().textContent()).toContain('Taken over');
    await screenshot(page, 'assistant-inbox-taken-over-1280');

    expect((await stack.sendInbound({ from: customer, body: 'Actually, can a person call me?' })).status).toBe(200);
    await expect.poll(() => page.locator('.message.inbound .body').last().textContent(), { timeout: 30_000 }).toBe('Actually, can a person call me?');
    // Filed for a person (the flag), and the assistant said nothing.
    await expect.poll(() => page.locator('.conversation .head').getByText('Needs attention').count(), { timeout: 30_000 }).toBe(1);
    expect(textsTo(customer)).toHaveLength(2);
    expect(await assistantMessages().count()).toBe(2);

    await strip().getByRole('button', { name: 'Hand back' }).click();
    await expect.poll(() => strip().textContent()).toContain('Assistant answering');
    expect(await strip().getByRole('button', { name: 'Take over' }).isVisible()).toBe(true);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'assistant-inbox-390');
    await assistantMessages().last().getByRole('link', { name: 'Why did it say this?' }).click();
    await page.waitForURL((url) => url.searchParams.has('trace'));
    await expect.poll(() => assistantMessages().last().locator('.trace').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'assistant-inbox-trace-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a handoff with its reason, in the strip and in the handoff message\'s trace', async () => {
    expect((await stack.sendInbound({ from: customer, body: 'Can I talk to a real person please?' })).status).toBe(200);
    await expect.poll(() => textsTo(customer).length, { timeout: 45_000 }).toBe(3);
    await expect.poll(() => strip().textContent(), { timeout: 30_000 }).toMatch(/Handed over: .*person/);
    expect(await strip().getByRole('button', { name: 'Hand back' }).isVisible()).toBe(true);
    await expect.poll(() => assistantMessages().count()).toBe(3);
    await assistantMessages().last().getByRole('link', { name: 'Why did it say this?' }).click();
    await page.waitForURL((url) => url.searchParams.has('trace'));
    await expect.poll(() => assistantMessages().last().locator('.trace .handoff').textContent()).toMatch(/Handed over: .*person/);
    await screenshot(page, 'assistant-inbox-handoff-1280');
  });

  it('draft mode: the suggestion fills the reply box (on opening, and live as the next one comes); nothing is sent until a person sends it', async () => {
    await stack.test.db.sequelize.transaction((transaction) => updateAssistant(stack.test.db, stack.tenant.id, assistantId, { mode: 'draft' }, transaction));
    expect((await stack.sendInbound({ from: drafting, body: 'Hi, can I book a maintenance visit?' })).status).toBe(200);
    // Opened once the draft is written: an update between the page's load and its live feed connecting is
    // not replayed (the feed resyncs only after a reconnect), so the first draft is checked as loaded.
    await expect.poll(async () => (await conversationOf(drafting))?.id ?? null, { timeout: 45_000 }).not.toBeNull();
    const conversation = (await conversationOf(drafting))!;
    await expect.poll(() => stack.test.db.sequelize.query(`SELECT 1 FROM assistant_turns WHERE conversation_id = :id AND draft IS NOT NULL`, { replacements: { id: conversation.id }, type: QueryTypes.SELECT }).then((rows) => rows.length), { timeout: 45_000 }).toBe(1);
    await page.goto(`${stack.baseUrl}/conversations/${conversation.id}`);
    await expect.poll(() => strip().textContent()).toContain('Draft mode');
    const reply = page.getByLabel(/Reply to/);
    await expect.poll(() => reply.inputValue()).toMatch(/I have these openings/);
    expect(await page.getByText('The assistant suggests this reply.').isVisible()).toBe(true);
    expect(textsTo(drafting)).toHaveLength(0);
    await screenshot(page, 'assistant-inbox-draft-1280');

    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => textsTo(drafting).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => reply.inputValue()).toBe('');
    expect(textsTo(drafting)[0]!.body).toMatch(/I have these openings/);

    // The customer picks a window: the next suggestion arrives while the view is open and fills the box.
    expect((await stack.sendInbound({ from: drafting, body: 'The first one works for me' })).status).toBe(200);
    await expect.poll(() => reply.inputValue(), { timeout: 45_000 }).toMatch(/A team member will confirm/);
    expect(textsTo(drafting)).toHaveLength(1);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel(/Reply to/).scrollIntoViewIfNeeded();
    await screenshot(page, 'assistant-inbox-draft-390');
  });

  it('job mode: the side panel and the list show the job the assistant booked, with its arrival window', async () => {
    await stack.test.db.sequelize.transaction((transaction) => updateAssistant(stack.test.db, stack.tenant.id, assistantId, { mode: 'auto', bookingMode: 'job' }, transaction));
    await page.setViewportSize({ width: 1280, height: 900 });
    expect((await stack.sendInbound({ from: booking, body: 'Can you schedule a tune-up?' })).status).toBe(200);
    await expect.poll(() => textsTo(booking).length, { timeout: 45_000 }).toBe(2);
    expect((await stack.sendInbound({ from: booking, body: 'The first one. My name is Sam Lee, 5 Pine Rd, Austin, TX 78701' })).status).toBe(200);
    await expect.poll(() => textsTo(booking).length, { timeout: 45_000 }).toBe(3);
    const jobNumber = /Your job number is (\d+)/.exec(textsTo(booking)[2]!.body)?.[1];
    expect(jobNumber).toMatch(/^\d+$/);
    const conversation = (await conversationOf(booking))!;
    await page.goto(`${stack.baseUrl}/conversations/${conversation.id}`);

    const panel = page.getByRole('region', { name: 'ServiceTitan booking' });
    await expect.poll(() => panel.textContent()).toContain(`Job ${jobNumber} · booked by the assistant`);
    expect(await panel.textContent()).not.toContain('No ServiceTitan booking');
    expect(await panel.locator('dd').first().textContent()).toMatch(/^\s*\w{3}, \w{3} \d{1,2}, \d{1,2}:\d\d [AP]M – \d{1,2}:\d\d [AP]M\s*$/);
    await expect.poll(() => page.locator(`a.row[data-conversation-id="${conversation.id}"] .booking-chip`).textContent()).toBe(`ST job #${jobNumber}`);
    await screenshot(page, 'assistant-inbox-job-1280');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'assistant-inbox-job-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
