// The admin's Settings page in a real browser against the real server, database, worker and fakes:
// the ServiceTitan integration is set up from nothing, tested, saved, and then books an inbound SMS.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser, uniquePhone } from '../support/factories.ts';
import { launchChromium, screenshot } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const admin = { email: `owner-${randomUUID().slice(0, 8)}@comfortair.example`, password: 'settings-admin-pw' };
const csr = { email: `csr-${randomUUID().slice(0, 8)}@comfortair.example`, password: 'settings-csr-pw' };
const st = {
  tenantId: String(910_000 + Math.floor(Math.random() * 80_000)),
  clientId: `cid.${randomUUID()}`,
  clientSecret: `cs.${randomBytes(12).toString('hex')}`,
  tagId: 91,
  tagName: 'IntelliSend Web',
};

beforeAll(async () => {
  stack = await startStack();
  // This tenant starts without any ServiceTitan connection: the admin sets it up in the browser.
  await stack.test.db.models.ServiceTitanConfig.destroy({ where: { tenantId: stack.tenant.id } });
  stack.fakes.serviceTitan.addTenant({
    tenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    bookingProviderTags: [{ id: st.tagId, name: st.tagName }],
  });
  await createUser(stack.test.db, { tenantId: stack.tenant.id, role: 'admin', ...admin });
  await createUser(stack.test.db, { tenantId: stack.tenant.id, role: 'csr', ...csr });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-settings-${task.name}`).catch(() => {});
  });
});

/**
 * Like browser.ts's signIn, but types only once the login page has hydrated: its Email input is
 * `value={form?.email ?? ''}`, and hydration resets an email typed before it (seen under load).
 */
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

const field = (label: string | RegExp) => page.getByLabel(label, { exact: typeof label === 'string' });

describe('Settings (admin)', () => {
  it('turns the ServiceTitan integration on: fill, test, save, and the saved state comes back masked', async () => {
    page = await signIn(context, stack.baseUrl, admin.email, admin.password);
    await page.getByRole('link', { name: 'Settings' }).click();
    // /settings opens its first section.
    await page.waitForURL(`${stack.baseUrl}/settings/servicetitan`);
    await expect.poll(() => page.getByRole('heading', { name: 'ServiceTitan Integration' }).isVisible()).toBe(true);
    expect(await page.getByRole('switch', { name: 'Create ServiceTitan bookings' }).isChecked()).toBe(false);
    await screenshot(page, 'settings-empty-1280');

    // Saving it on with nothing filled in names each missing field.
    await page.getByText('Create ServiceTitan bookings').click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#clientSecret-error').textContent()).toContain('Enter the client secret');
    expect(await page.locator('#serviceTitanTenantId-error').textContent()).toContain('Enter the ServiceTitan tenant ID');
    expect(await field('Client Secret').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('switch', { name: 'Create ServiceTitan bookings' }).isChecked()).toBe(true);

    // Integration fills the URLs; the fake stands in for ServiceTitan under "Advanced".
    await page.getByLabel('Integration (sandbox)').check();
    await page.getByText(/Advanced: API URLs/).click();
    expect(await field('Auth URL').inputValue()).toBe('https://auth-integration.servicetitan.io/connect/token');
    await field('API base URL').fill(stack.fakes.serviceTitan.url);
    await field('Auth URL').fill(stack.fakes.serviceTitan.authUrl);
    await field('ServiceTitan Tenant ID').fill(st.tenantId);
    await field('Client ID').fill(st.clientId);
    await field('Client Secret').fill(st.clientSecret);
    await field('App Key').fill(stack.fakes.serviceTitan.appKey);
    await field('Booking Provider').fill(st.tagName);
    await field('Priority for complaints').selectOption('Urgent');

    // A wrong secret first: the answer says what to check.
    await field('Client Secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Test Connection' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Connection failed' }).textContent()).toContain(
      'rejected the client ID or client secret',
    );
    await field('Client Secret').fill(st.clientSecret);
    await page.getByRole('button', { name: 'Test Connection' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connected.' }).textContent()).toContain(`booking provider ${st.tagId}`);
    expect(await page.getByText('Unsaved changes').isVisible()).toBe(true);
    await screenshot(page, 'settings-tested-1280');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    expect(await page.getByText('Unsaved changes').count()).toBe(0);

    // The saved state after a reload: values filled, secrets masked, the tag name saved as its id.
    await page.reload();
    expect(await page.getByRole('switch', { name: 'Create ServiceTitan bookings' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Integration (sandbox)').isChecked()).toBe(true);
    expect(await field('ServiceTitan Tenant ID').inputValue()).toBe(st.tenantId);
    expect(await field('Client ID').inputValue()).toBe(st.clientId);
    expect(await field('Booking Provider').inputValue()).toBe(String(st.tagId));
    expect(await field('Priority for complaints').inputValue()).toBe('Urgent');
    expect(await field(/^Client Secret/).inputValue()).toBe('');
    expect(await field(/^Client Secret/).getAttribute('type')).toBe('password');
    expect(await field(/^App Key/).inputValue()).toBe('');
    expect(await page.locator('label[for="st-client-secret"] .saved-badge').textContent()).toBe('saved');
    expect(await page.locator('label[for="st-app-key"] .saved-badge').textContent()).toBe('saved');
    const html = await page.content();
    expect(html).not.toContain(st.clientSecret);
    expect(html).not.toContain(stack.fakes.serviceTitan.appKey);
    // Saved secrets still work: test again with the secret fields blank.
    await page.getByRole('button', { name: 'Test Connection' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connected.' }).count()).toBe(1);
    await screenshot(page, 'settings-saved-1280');
  });

  it('warns before leaving with unsaved changes', async () => {
    const dialogs: string[] = [];
    const onDialog = (dialog: import('playwright-core').Dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    };
    page.on('dialog', onDialog);
    try {
      await field('Job type ID').fill('12');
      await page.getByRole('link', { name: 'Back to conversations' }).click();
      await expect.poll(() => dialogs.length).toBe(1);
      expect(dialogs[0]).toContain('unsaved changes');
      expect(new URL(page.url()).pathname).toBe('/settings/servicetitan');
      await field('Job type ID').fill('');
      await page.getByRole('link', { name: 'Back to conversations' }).click();
      await page.waitForURL(`${stack.baseUrl}/conversations`);
      expect(dialogs).toHaveLength(1);
    } finally {
      page.off('dialog', onDialog);
    }
  });

  it('an inbound SMS now becomes a booking at ServiceTitan, and booking health shows it', async () => {
    const customer = uniquePhone();
    const res = await stack.sendInbound({ from: customer, body: 'Hi, my AC is blowing warm air. Can someone come out tomorrow morning?' });
    expect(res.status).toBe(200);
    await expect
      .poll(() => stack.fakes.serviceTitan.bookings(st.tenantId).length, { timeout: 45_000, interval: 250 })
      .toBe(1);
    const [booking] = stack.fakes.serviceTitan.bookings(st.tenantId);
    expect(booking?.bookingProviderId).toBe(st.tagId);

    await page.goto(`${stack.baseUrl}/settings/booking-health`);
    const created = page.locator('.figure.ok dd');
    await expect.poll(() => created.textContent()).toBe('1');
    const temporal = page.getByRole('link', { name: /Open in Temporal UI/ });
    expect(await temporal.getAttribute('href')).toContain(encodeURIComponent(`TenantId="${stack.tenant.id}"`));
  });

  it('has a section per area, each at its own URL, with a navigation that says where you are', async () => {
    const sections = [
      { path: '/settings/servicetitan', nav: 'ServiceTitan', heading: 'ServiceTitan Integration' },
      { path: '/settings/twilio', nav: 'Twilio & numbers', heading: 'Twilio' },
      { path: '/settings/users', nav: 'Users', heading: 'Users' },
      { path: '/settings/booking-health', nav: 'Booking health', heading: 'Booking health' },
    ];
    const nav = page.getByRole('navigation', { name: 'Settings sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['ServiceTitan', 'Twilio & numbers', 'Assistants', 'Users', 'Booking health']);
    // Assistants has a page of its own (list, form and sandbox: test/browser/assistants.test.ts).
    expect((await page.goto(`${stack.baseUrl}/settings/assistants`))?.status()).toBe(200);
    await expect.poll(() => nav.locator('[aria-current="page"]').textContent()).toBe('Assistants');
    for (const section of sections) {
      const response = await page.goto(`${stack.baseUrl}${section.path}`);
      expect(response?.status(), section.path).toBe(200);
      await expect.poll(() => page.getByRole('heading', { level: 2, name: section.heading, exact: true }).isVisible()).toBe(true);
      expect(await nav.locator('[aria-current="page"]').textContent()).toBe(section.nav);
      // Only this section's card.
      expect(await page.locator('main.settings-section > .card, main.settings-section > section.card').count(), section.path).toBe(1);
      await screenshot(page, `settings-${section.path.split('/').pop()}-1280`);
    }
    // The navigation moves between them without a full reload.
    await nav.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(`${stack.baseUrl}/settings/users`);
    expect(await page.getByRole('heading', { name: 'Users', exact: true }).isVisible()).toBe(true);
    // /settings goes to the first section.
    await page.goto(`${stack.baseUrl}/settings`);
    expect(new URL(page.url()).pathname).toBe('/settings/servicetitan');

    // On a phone the navigation is one row that scrolls sideways; the page itself never does.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const section of sections) {
      await phone.goto(`${stack.baseUrl}${section.path}`);
      await expect.poll(() => phone.getByRole('heading', { level: 2, name: section.heading, exact: true }).isVisible()).toBe(true);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth), section.path).toBeLessThanOrEqual(390);
      const current = (await phone.locator('nav.sections [aria-current="page"]').boundingBox())!;
      expect(current.x, section.path).toBeGreaterThanOrEqual(0);
      expect(current.x + current.width, section.path).toBeLessThanOrEqual(390.5);
      await screenshot(phone, `settings-${section.path.split('/').pop()}-390`);
    }
    await phone.close();
  });

  it('shows the Twilio webhook URLs with copy buttons', async () => {
    await page.goto(`${stack.baseUrl}/settings/twilio`);
    const inbound = page.getByRole('textbox', { name: 'A message comes in' });
    expect(await inbound.inputValue()).toBe(`${stack.baseUrl}/api/twilio/inbound`);
    expect(await page.getByRole('textbox', { name: 'Status callback URL' }).inputValue()).toBe(`${stack.baseUrl}/api/twilio/status`);
    expect(await page.getByRole('button', { name: /^Copy the incoming message URL/ }).count()).toBe(1);
    expect(await page.getByLabel(/^Auth token/).inputValue()).toBe('');
  });

  it('adds a user, changes the role, removes them; the only admin cannot be removed', async () => {
    await page.goto(`${stack.baseUrl}/settings/users`);
    // One admin: no "Remove" for them.
    expect(await page.getByRole('button', { name: `Remove ${admin.email}` }).count()).toBe(0);
    expect(await page.getByText('Only admin').count()).toBe(1);
    expect(await page.getByRole('button', { name: `Remove ${csr.email}` }).count()).toBe(1);
    const email = `new-${randomUUID().slice(0, 8)}@comfortair.example`;
    await field('Email').fill(email);
    await field('Password').fill('short');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => page.locator('#user-password-error').textContent()).toContain('at least 8 characters');
    await field('Password').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `Added ${email}` }).count()).toBe(1);

    await page.getByLabel(`Role of ${email}`).selectOption('admin');
    await page.getByRole('button', { name: `Change role of ${email}` }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Role changed.' }).count()).toBe(1);
    const row = await stack.test.db.models.User.findOne({ where: { email } });
    expect(row?.role).toBe('admin');
    // Two admins now: either may be removed.
    await expect.poll(() => page.getByRole('button', { name: `Remove ${admin.email}` }).count()).toBe(1);
    expect(await page.getByText('Only admin').count()).toBe(0);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Remove ${email}` }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'User removed.' }).count()).toBe(1);
    expect(await stack.test.db.models.User.findOne({ where: { email } })).toBeNull();
  });
});

describe('Settings (CSR)', () => {
  it('has no Settings link, and the page and its API answer 403', async () => {
    const csrContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const csrPage = await signIn(csrContext, stack.baseUrl, csr.email, csr.password);
      expect(await csrPage.getByRole('link', { name: 'Settings' }).count()).toBe(0);
      const pageResponse = await csrPage.goto(`${stack.baseUrl}/settings`);
      expect(pageResponse?.status()).toBe(403);
      expect(await csrPage.getByRole('heading', { name: 'Not allowed' }).isVisible()).toBe(true);
      await screenshot(csrPage, 'settings-csr-403-1280');
      for (const path of ['servicetitan-config', 'twilio-settings', 'booking-health', 'users']) {
        const res = await csrPage.request.get(`${stack.baseUrl}/api/tenants/${stack.tenant.id}/${path}`);
        expect(res.status(), path).toBe(403);
      }
      const before = (await stack.test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: stack.tenant.id } }))?.updatedAt ?? null;
      const write = await csrPage.request.post(`${stack.baseUrl}/api/tenants/${stack.tenant.id}/servicetitan-config`, {
        data: { enabled: false },
        headers: { origin: stack.baseUrl },
      });
      expect(write.status()).toBe(403);
      const after = (await stack.test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: stack.tenant.id } }))?.updatedAt ?? null;
      expect(after).toEqual(before);
    } finally {
      await csrContext.close();
    }
  });
});
