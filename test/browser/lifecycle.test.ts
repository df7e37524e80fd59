// A CSR works a conversation through its lifecycle in a real browser: a customer's "Yes" to the CSR's
// question needs a person; Resolve takes it out of the open inbox; the next text reopens it as episode 2.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, uniquePhone } from '../support/factories.ts';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
const customer = uniquePhone();
let conversationId = '';

const rowFor = (id: string) => page.locator(`a.row[data-conversation-id="${id}"]`);
const conversationRow = () => stack.test.db.models.Contact.findOne({ where: { tenantId: stack.tenant.id, phone: customer } }).then((contact) =>
  contact ? stack.test.db.models.Conversation.findOne({ where: { contactId: contact.id } }) : null,
);

beforeAll(async () => {
  stack = await startStack();
  const { user, password } = await createUser(stack.test.db, { tenantId: stack.tenant.id, role: 'csr' });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await signIn(context, stack.baseUrl, user.email, password);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('a conversation through its lifecycle', () => {
  it('a customer answers "Yes" to the CSR’s question: it needs a person and is on top', async () => {
    expect((await stack.sendInbound({ from: customer, body: 'Our AC stopped cooling. Can someone come this week?' })).status).toBe(200);
    await expect.poll(async () => (await conversationRow())?.classificationSource ?? null, { timeout: 30_000 }).not.toBeNull();
    conversationId = (await conversationRow())!.id;
    await page.goto(`${stack.baseUrl}/conversations/${conversationId}`);
    const reply = page.getByLabel(/Reply to/);
    await reply.fill('Can we come Tuesday at 9?');
    await reply.press('Enter');
    await expect.poll(() => page.locator('.conversation .head').getByText('Needs attention').count(), { timeout: 30_000 }).toBe(0);

    expect((await stack.sendInbound({ from: customer, body: 'Yes' })).status).toBe(200);
    await expect.poll(() => page.locator('.message.inbound .body').last().textContent(), { timeout: 30_000 }).toBe('Yes');
    await expect.poll(() => page.locator('.conversation .head').getByText('Needs attention').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('a.row').first().getAttribute('data-conversation-id')).toBe(conversationId);
    expect(await rowFor(conversationId).getByText('Needs attention').count()).toBe(1);
    expect((await conversationRow())?.classificationSource).toBe('ai');
  });

  it('Resolve takes it out of the open inbox; the Resolved filter (in the URL) shows it; Reopen brings it back', async () => {
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator('.status-chip').textContent()).toBe('Resolved');
    await expect.poll(() => rowFor(conversationId).count()).toBe(0);
    await page.getByRole('link', { name: 'Resolved' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'resolved');
    await expect.poll(() => rowFor(conversationId).count()).toBe(1);
    await screenshot(page, 'lifecycle-resolved-1280');

    await rowFor(conversationId).click();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Resolve' }).count()).toBe(1);
    expect((await conversationRow())?.status).toBe('open');
    // Resolved again: the next text opens episode 2.
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(async () => (await conversationRow())?.status).toBe('resolved');
  });

  it('the next text reopens it as episode 2, with the boundary in the transcript', async () => {
    await page.goto(`${stack.baseUrl}/conversations/${conversationId}`);
    expect((await stack.sendInbound({ from: customer, body: 'Hi again, now the furnace is out.' })).status).toBe(200);
    await expect.poll(() => page.locator('.episode-boundary').textContent(), { timeout: 30_000 }).toContain('episode 2');
    await expect.poll(() => page.getByRole('button', { name: 'Resolve' }).count(), { timeout: 30_000 }).toBe(1);
    await screenshot(page, 'lifecycle-episode-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'lifecycle-episode-390');
  });
});
