// Settings → Assistants in a real browser against the real server, database and fakes: an admin
// creates an assistant on the tenant's number, then tries it in the sandbox and sees the answer
// (real windows from the fake ServiceTitan's capacity) and the trace.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedAssistantData } from '../fakes/servicetitan/index.ts';
import { createUser } from '../support/factories.ts';
import { launchChromium, screenshot } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const admin = { email: `owner-${randomUUID().slice(0, 8)}@comfortair.example`, password: 'assistants-admin-pw' };

beforeAll(async () => {
  stack = await startStack();
  const config = await stack.test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: stack.tenant.id } });
  seedAssistantData(stack.fakes.serviceTitan, { tenantId: config!.serviceTitanTenantId!, timeZone: 'America/Chicago' });
  await createUser(stack.test.db, { tenantId: stack.tenant.id, role: 'admin', ...admin });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-assistants-${task.name}`).catch(() => {});
  });
});

async function signIn(ctx: BrowserContext, baseUrl: string, email: string, password: string): Promise<Page> {
  const p = await ctx.newPage();
  await p.goto(`${baseUrl}/conversations`);
  await p.waitForLoadState('networkidle');
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(password);
  await expect.poll(() => p.getByLabel('Email').inputValue()).toBe(email);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(`${baseUrl}/conversations`);
  return p;
}

describe('Settings → Assistants', () => {
  it('creates an assistant, shows per-field errors, and tries it in the sandbox with the trace', async () => {
    page = await signIn(context, stack.baseUrl, admin.email, admin.password);
    await page.goto(`${stack.baseUrl}/settings`);
    await page.getByRole('link', { name: 'Assistants' }).click();
    await page.waitForURL(`${stack.baseUrl}/settings/assistants`);
    await page.getByRole('link', { name: 'New assistant' }).click();
    await page.waitForURL(/new=1/);
    await page.waitForLoadState('networkidle');

    // A refused save names the field and keeps what was typed.
    await page.getByLabel('Name', { exact: true }).fill('Comfort Air assistant');
    await page.getByLabel('Session length (minutes)').fill('0');
    await page.getByRole('button', { name: 'Create assistant' }).click();
    await expect.poll(() => page.locator('.field-error', { hasText: 'must be 1 to 1440 minutes' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Comfort Air assistant');

    await page.getByLabel('Session length (minutes)').fill('30');
    await page.getByLabel('Enabled').check();
    await page.getByLabel(new RegExp(stack.ourNumber.phone.replace('+', '\\+'))).check();
    await page.getByLabel('SMS prompt').fill('You answer for Comfort Air Heating & Cooling in Austin. Be brief and friendly.');
    await page.getByRole('button', { name: 'Create assistant' }).click();
    await page.waitForURL(/edit=.*saved=1/);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved.');
    await screenshot(page, 'assistants-edit-1280');

    await page.getByRole('link', { name: 'Try it' }).click();
    await page.waitForURL(/try=/);
    await page.waitForLoadState('networkidle');
    await page.getByLabel('Message').fill("Hi, I'd like to book AC maintenance");
    await page.getByRole('button', { name: 'Send' }).click();
    const chat = page.getByRole('list', { name: 'Sandbox conversation' });
    await expect.poll(() => chat.textContent(), { timeout: 20_000 }).toContain('I have these openings');
    expect(await chat.textContent()).toContain('automated assistant');
    expect(await page.getByText('Tool: check_availability').isVisible()).toBe(true);

    await page.getByLabel('Message').fill('The first one');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => chat.textContent(), { timeout: 20_000 }).toMatch(/requested .* A team member will confirm/);
    await screenshot(page, 'assistants-try-1280');
    expect(await page.getByLabel('Message').inputValue()).toBe('');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await screenshot(page, 'assistants-trace-1280');
    // Nothing reached the inbox.
    expect(await stack.test.db.models.Message.count()).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'assistants-try-390');
    await page.goto(`${stack.baseUrl}/settings/assistants?edit=${new URL(page.url()).searchParams.get('try')}`);
    await screenshot(page, 'assistants-edit-390');
  });
});
