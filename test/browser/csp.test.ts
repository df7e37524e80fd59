// Every page runs under the Content-Security-Policy SvelteKit sets (web/vite.config.ts), with helmet's
// other headers: a real Chromium loads the login page, the inbox, a conversation and the settings, and
// any CSP violation (the DOM event or the console's "Refused to …") fails the test. The inbox's live
// update (EventSource on /api/events) and the app's same-origin fetches must keep working under it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './browser.ts';
import { seedInbox, type SeededInbox } from './inbox-seed.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let seeded: SeededInbox;
let browser: Browser;
let context: BrowserContext;
const violations: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  seeded = await seedInbox(stack.test.db, stack.tenant.id, stack.ourNumber.id);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Reported from every document the context loads, before any of the page's own scripts run.
  await context.exposeBinding('reportCspViolation', ({ page }, text: string) => {
    violations.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
    document.addEventListener('securitypolicyviolation', (e) => {
      report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  context.on('page', (p) =>
    p.on('console', (message) => {
      const text = message.text();
      if (/Refused to|Content Security Policy/i.test(text)) violations.push(`${p.url()}: console: ${text}`);
    }),
  );
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Kit's policy, not helmet's `default-src 'none'` for JSON, with a nonce for Kit's inline script. */
async function expectKitPolicy(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${stack.baseUrl}${path}`);
  expect(response?.status()).toBe(200);
  const policy = (await response?.headerValue('content-security-policy')) ?? '';
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(policy).toContain("connect-src 'self'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(await response?.headerValue('x-content-type-options')).toBe('nosniff');
  expect(await response?.headerValue('referrer-policy')).toBe('same-origin');
  await page.waitForLoadState('networkidle');
}

describe('Content-Security-Policy', () => {
  it('no page has a violation: login, inbox (with a live update), a conversation, every settings section, contacts, import, campaigns', async () => {
    const page = await context.newPage();
    await expectKitPolicy(page, '/login');
    // Hydrated before typing (the form resets a value typed earlier).
    await page.getByLabel('Email').fill(seeded.admin.email);
    await page.getByLabel('Password').fill(seeded.admin.password);
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe(seeded.admin.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.baseUrl}/conversations`);

    await expectKitPolicy(page, '/conversations');
    await expect.poll(() => page.locator('a.row').count()).toBeGreaterThan(0);
    // The live stream works under connect-src 'self': a message that arrives now shows up on top.
    const response = await stack.sendInbound({ from: seeded.phones.quiet, body: 'Is the technician still coming at noon?' });
    expect(response.status).toBe(200);
    await expect.poll(() => page.locator('a.row').first().textContent(), { timeout: 30_000 }).toContain('technician still coming');
    await screenshot(page, 'csp-inbox-1280');

    await expectKitPolicy(page, `/conversations/${seeded.ids.urgent}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Maria Garcia');

    await expectKitPolicy(page, '/settings');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
    await expect.poll(() => page.locator('#st-title').isVisible()).toBe(true);
    await screenshot(page, 'csp-settings-1280');
    for (const path of ['/settings/twilio', '/settings/assistants', '/settings/users', '/settings/booking-health', '/contacts', '/contacts/import', '/campaigns']) {
      await expectKitPolicy(page, path);
    }

    // Signing out is a plain form post that redirects (form-action 'self'); the Referrer-Policy still lets
    // the browser send our Origin with it (the web refuses a form post without one).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');

    expect(violations).toEqual([]);
  });

  it('the API answers JSON under a policy that allows nothing', async () => {
    const res = await fetch(`${stack.baseUrl}/api/health`);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
  });
});
