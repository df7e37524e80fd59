// "Delivery unknown — resend?" in a real browser against the real server, worker and fake Twilio: a reply
// whose answer Twilio lost shows as unknown, and only the CSR's click sends it again, once.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser, uniquePhone } from '../support/factories.ts';
import { waitFor } from '../support/pipeline.ts';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let conversationId: string;
const csr = { email: 'sam.csr@comfortair.test', password: 'csr-password-2' };

beforeAll(async () => {
  stack = await startStack();
  await createUser(stack.test.db, { tenantId: stack.tenant.id, role: 'csr', ...csr });
  const customer = uniquePhone();
  expect((await stack.sendInbound({ from: customer, body: 'The AC is blowing warm air again. Can you send someone?' })).status).toBe(200);
  const contact = await waitFor(async () => stack.test.db.models.Contact.findOne({ where: { tenantId: stack.tenant.id, phone: customer } }), {
    what: 'the contact',
  });
  await contact.update({ firstName: 'Lena', lastName: 'Okafor' });
  const conversation = await waitFor(async () => stack.test.db.models.Conversation.findOne({ where: { contactId: contact.id } }), { what: 'the conversation' });
  conversationId = conversation.id;
  // Here Twilio's status callbacks would reach the API and resolve the unknown message within moments
  // (that path is tested in api/routes/conversations-resend.test.ts); without them it stays unknown.
  stack.fakes.twilio.statusCallbacks = 'off';
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-${task.name}`).catch(() => {});
  });
});

const received = (body: string) => stack.fakes.twilio.messages.filter((m) => m.body === body);
const bubbles = (body: string) => page.locator('li.message.outbound', { hasText: body });

describe('a reply whose delivery is unknown', () => {
  const body = 'A technician can come at 3pm today. Does that work?';

  it('shows "Delivery unknown — resend?" and was sent once', async () => {
    page = await signIn(context, stack.baseUrl, csr.email, csr.password);
    await page.goto(`${stack.baseUrl}/conversations/${conversationId}`);
    stack.fakes.twilio.faults.set({ mode: 'lostAnswer', times: 1 });
    const reply = page.getByLabel('Reply to Lena Okafor');
    await reply.fill(body);
    await reply.press('Enter');

    const bubble = bubbles(body);
    await expect.poll(() => bubble.textContent(), { timeout: 30_000 }).toMatch(/Delivery unknown\s*—\s*resend\?/);
    expect(await bubble.getByRole('button', { name: 'resend?' }).isVisible()).toBe(true);
    expect(received(body)).toHaveLength(1);
    await screenshot(page, 'delivery-unknown-1280');
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await bubble.getByRole('button', { name: 'resend?' }).isVisible()).toBe(true);
    await screenshot(page, 'delivery-unknown-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("the CSR's resend sends it exactly once more, and the original says it was resent", async () => {
    await bubbles(body).getByRole('button', { name: 'resend?' }).click();
    await expect.poll(() => bubbles(body).count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => bubbles(body).first().textContent()).toContain('Delivery unknown · resent');
    expect(await bubbles(body).first().getByRole('button').count()).toBe(0);
    await waitFor(async () => received(body).length === 2, { what: 'the resent message at Twilio' });
    await expect.poll(() => bubbles(body).last().locator('.delivery').textContent()).toMatch(/Queued|Sent|Delivered/);
    expect(received(body)).toHaveLength(2);
    await screenshot(page, 'delivery-unknown-resent-1280');
  });
});
