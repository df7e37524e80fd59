// The campaigns page in a real browser: an admin writes a campaign, previews it (the text a customer gets,
// its segments and the consented audience), starts it, watches its progress, pauses and resumes it; every
// customer gets the text exactly once.
import { randomInt, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContact, createUser } from '../support/factories.ts';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
const admin = { email: `admin-${randomUUID().slice(0, 8)}@comfortair.example`, password: 'campaigns-admin-pw' };
const phones: string[] = [];

/** A zone where it is daytime now, so the customers may be texted whenever the test runs. */
function daytimeZone(): string {
  const zones = ['Pacific/Kiritimati', 'Pacific/Auckland', 'Asia/Tokyo', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
  return zones.find((z) => DateTime.now().setZone(z).hour >= 9 && DateTime.now().setZone(z).hour < 18) ?? 'Asia/Tokyo';
}

beforeAll(async () => {
  stack = await startStack();
  const tenantId = stack.tenant.id;
  await createUser(stack.test.db, { tenantId, role: 'admin', ...admin });
  const timeZone = daytimeZone();
  for (const firstName of ['Maria', 'Dana', 'Luis', 'Priya', null, 'Sam']) {
    const phone = `+1212${randomInt(2_000_000, 9_999_999)}`;
    phones.push(phone);
    await createContact(stack.test.db, { tenantId, firstName, phone, tags: ['spring'], marketingConsent: 'granted', marketingConsentSource: 'import', timeZone });
  }
  // Tagged but never consented: not in the audience count.
  await createContact(stack.test.db, { tenantId, firstName: 'Nope', tags: ['spring'] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-campaigns-${task.name}`).catch(() => {});
  });
});

const count = (label: string) => page.locator('.counts div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

describe('campaigns', () => {
  it('an admin previews a campaign, starts it, watches it, pauses and resumes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await signIn(context, stack.baseUrl, admin.email, admin.password);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.waitForURL(/\/campaigns$/);
    await page.getByLabel('Name').fill('Spring tune-up');
    await page.getByLabel('Message', { exact: true }).fill('Hi {firstName|there}, {business} here: 20% off AC tune-ups until Friday.');
    await page.getByLabel('Audience tags').fill('spring');
    await page.getByLabel('Messages per second per number').fill('1');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('status', { name: 'Preview' });
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toContain('6 consented contacts');
    expect(await preview.textContent()).toContain('Hi Maria, Comfort Air Heating & Cooling here: 20% off AC tune-ups until Friday. Reply STOP to opt out.');
    expect(await preview.textContent()).toMatch(/1 segment \(GSM-7, \d+ characters\)/);
    await screenshot(page, 'campaign-preview-1280');

    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const status = page.getByRole('status', { name: 'Campaign status' });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('Draft');
    await page.getByRole('button', { name: 'Start sending' }).click();
    await expect.poll(async () => Number(await count('Sent').textContent()), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('Paused');
    await screenshot(page, 'campaign-paused-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'campaign-paused-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toContain('Done');
    expect(await count('Sent').textContent()).toBe('6');
    expect(await count('Queued').textContent()).toBe('0');
    await screenshot(page, 'campaign-done-1280');

    for (const phone of phones) expect(stack.fakes.twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);

    await page.getByRole('link', { name: '← Campaigns' }).click();
    await page.waitForURL(/\/campaigns$/);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'campaigns-list-390');
    await context.close();
  });
});
