// The contacts page in a real browser: a CSR finds a customer by a fragment of their number and fixes a name;
// an admin records consent with its evidence, and the page never offers to undo an opt-out.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContact, createUser } from '../support/factories.ts';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
const admin = { email: `admin-${randomUUID().slice(0, 8)}@comfortair.example`, password: 'contacts-admin-pw' };
const csr = { email: `csr-${randomUUID().slice(0, 8)}@comfortair.example`, password: 'contacts-csr-pw' };

beforeAll(async () => {
  stack = await startStack();
  const tenantId = stack.tenant.id;
  await createUser(stack.test.db, { tenantId, role: 'admin', ...admin });
  await createUser(stack.test.db, { tenantId, role: 'csr', ...csr });
  await createContact(stack.test.db, { tenantId, firstName: 'Maria', lastName: 'Garcia', phone: '+13055550142', email: 'maria@example.com', tags: ['vip'] });
  await createContact(stack.test.db, { tenantId, firstName: null, lastName: null, phone: '+14155550177' });
  await createContact(stack.test.db, { tenantId, firstName: 'Olivia', lastName: 'Rossi', phone: '+16175550123', optedOut: true, optedOutAt: new Date(), optedOutSource: 'keyword' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-contacts-${task.name}`).catch(() => {});
  });
});

async function as(person: { email: string; password: string }, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  page = await signIn(context, stack.baseUrl, person.email, person.password);
  return { context, page };
}

describe('contacts', () => {
  it('a CSR finds a customer by digits of their number and names them', async () => {
    const { context } = await as(csr);
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(/\/contacts$/);
    await expect.poll(() => page.locator('.row').count(), { timeout: 15_000 }).toBe(3);
    await screenshot(page, 'contacts-list-1280');
    await page.getByLabel('Search contacts').fill('555 0177');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=555/);
    await expect.poll(() => page.locator('.row').count(), { timeout: 15_000 }).toBe(1);
    await page.locator('.row').first().click();
    await page.getByLabel('First name').fill('Dana');
    await page.getByLabel('Last name').fill('Whitfield');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Dana Whitfield');
    // A CSR edits names only.
    expect(await page.getByLabel('Tags').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record an opt-out' }).count()).toBe(0);
    await context.close();
  });

  it('an admin records consent with evidence; an opted-out contact offers no way back', async () => {
    const { context } = await as(admin);
    await page.goto(`${stack.baseUrl}/contacts?q=maria`);
    await page.locator('.row').first().click();
    await page.getByLabel('Set to').selectOption('granted');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/how the customer agreed/);
    await page.getByLabel('Evidence').fill('Signed the maintenance agreement');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await expect.poll(() => page.locator('.consent').textContent(), { timeout: 15_000 }).toMatch(/Consented to marketing/);
    expect(await page.locator('.history').textContent()).toContain('Signed the maintenance agreement');
    await screenshot(page, 'contact-detail-1280');

    await page.goto(`${stack.baseUrl}/contacts?q=olivia`);
    await page.locator('.row').first().click();
    expect(await page.getByRole('status').first().textContent()).toMatch(/only they can opt back in, by texting START/);
    expect(await page.getByLabel('Set to').count()).toBe(0);
    await context.close();
  });

  it('an admin imports a CSV: maps the columns from a preview, watches it finish, reads the rows not imported', async () => {
    const { context } = await as(admin);
    await page.goto(`${stack.baseUrl}/contacts`);
    await page.getByRole('link', { name: 'Import CSV' }).click();
    const csv = '\uFEFFMobile,Given Name,Surname,Opt In\r\n(312) 555-0101,Ana,Lima,yes\r\nnope,Bad,Row,yes\r\n(312) 555-0102,Ben,Ito,no\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'spring.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByLabel('Phone (required)').inputValue(), { timeout: 15_000 }).toBe('Mobile');
    expect(await page.getByLabel('First name').inputValue()).toBe('Given Name');
    // The guess missed the consent column: the admin maps it.
    await page.getByLabel('Marketing consent (yes / no)').selectOption('Opt In');
    await screenshot(page, 'contacts-import-mapping-1280');
    await page.getByRole('button', { name: /Import 3 rows/ }).click();
    await page.waitForURL(/\/contacts\/imports\//);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/Done: 3 rows read/);
    expect(await page.locator('table').textContent()).toContain('bad phone number "nope"');
    await screenshot(page, 'contacts-import-done-1280');
    await page.goto(`${stack.baseUrl}/contacts?q=ana`);
    await expect.poll(() => page.locator('.row').first().textContent(), { timeout: 15_000 }).toMatch(/Ana Lima.*Marketing OK/s);
    await context.close();
  });

  it('reads on a phone', async () => {
    const { context } = await as(csr, 390);
    await page.goto(`${stack.baseUrl}/contacts`);
    await expect.poll(() => page.locator('.row').count(), { timeout: 15_000 }).toBe(5);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
    await screenshot(page, 'contacts-list-390');
    await context.close();
  });
});
