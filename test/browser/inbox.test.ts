// The CSR inbox in a real browser against the real server, database, Temporal worker and fakes.
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { seedInbox, type SeededInbox } from './inbox-seed.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let seeded: SeededInbox;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: Dialog[] = [];

const rows = () => page.locator('a.row');
const rowFor = (id: string) => page.locator(`a.row[data-conversation-id="${id}"]`);

beforeAll(async () => {
  stack = await startStack();
  seeded = await seedInbox(stack.test.db, stack.tenant.id, stack.ourNumber.id);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on('page', (p) => p.on('dialog', (dialog) => {
    dialogs.push(dialog);
    void dialog.dismiss();
  }));
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

describe('CSR inbox', () => {
  it('refuses a wrong password inline, then signs in', async () => {
    const attempt = await context.newPage();
    await attempt.goto(`${stack.baseUrl}/conversations/${seeded.ids.urgent}`);
    await attempt.waitForLoadState('networkidle');
    expect(new URL(attempt.url()).pathname).toBe('/login');
    expect(new URL(attempt.url()).searchParams.get('next')).toBe(`/conversations/${seeded.ids.urgent}`);
    await attempt.getByLabel('Email').fill(seeded.csr.email);
    await attempt.getByLabel('Password').fill('not-the-password');
    await attempt.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => attempt.getByRole('alert').textContent()).toContain('do not match');
    await attempt.close();

    page = await signIn(context, stack.baseUrl, seeded.csr.email, seeded.csr.password);
    await expect.poll(() => page.locator('.app-header').textContent()).toContain(seeded.csr.email);
    // A CSR gets no settings link, and the page itself says no.
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    const settings = await page.request.get(`${stack.baseUrl}/settings`);
    expect(settings.status()).toBe(403);
  });

  it('puts the conversation that needs attention on top, with its badge', async () => {
    await expect.poll(() => rows().count()).toBe(5); // engaged: urgent, waiting, recent, hostile, quiet
    const top = rows().first();
    expect(await top.getAttribute('data-conversation-id')).toBe(seeded.ids.urgent);
    expect(await top.textContent()).toContain('Maria Garcia');
    expect(await top.getByText('Needs attention').isVisible()).toBe(true);
    expect(await rowFor(seeded.ids.recent).getByText('Needs attention').count()).toBe(0);
    // Counts per tab, with what needs attention.
    const complaintsTab = page.locator('nav.tabs a[data-tab="complaints"]');
    expect(await complaintsTab.textContent()).toMatch(/1\s*conversations[\s\S]*1\s*need attention/);
    await screenshot(page, 'inbox-1280');
  });

  it('narrows the list as you type, one request per pause, and keeps the search across tabs', async () => {
    const searches: string[] = [];
    const onRequest = (request: { url(): string }) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/conversations' && url.searchParams.has('search')) searches.push(url.searchParams.get('search')!);
    };
    page.on('request', onRequest);
    try {
      const box = page.getByRole('searchbox', { name: 'Search conversations' });
      await page.keyboard.press('/');
      expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);

      await box.pressSequentially('mar', { delay: 40 });
      await expect.poll(() => rows().count()).toBe(1);
      expect(await rows().first().getAttribute('data-conversation-id')).toBe(seeded.ids.urgent);
      expect(searches).toEqual(['mar']);
      expect(new URL(page.url()).searchParams.get('q')).toBe('mar');

      // Digits find phone numbers, however they are typed.
      await box.fill('');
      await box.pressSequentially('555 0177', { delay: 40 });
      await expect.poll(() => rows().first().getAttribute('data-conversation-id')).toBe(seeded.ids.recent);
      await expect.poll(() => searches.length).toBe(2);
      expect(searches[1]).toBe('555 0177');

      await box.fill('');
      await box.pressSequentially('mar', { delay: 40 });
      await expect.poll(() => searches.length).toBe(3);
      // A word from a message finds the conversation too.
      await box.fill('');
      await box.pressSequentially('GARAGE', { delay: 40 });
      await expect.poll(() => rows().first().getAttribute('data-conversation-id')).toBe(seeded.ids.recent);
      await expect.poll(() => searches.length).toBe(4);
      await box.fill('');
      await box.pressSequentially('mar', { delay: 40 });
      await expect.poll(() => searches.length).toBe(5);
      await expect.poll(() => rows().count()).toBe(1);

      // Tabs are links that keep the search.
      await page.locator('nav.tabs a[data-tab="complaints"]').click();
      await page.waitForURL((url) => url.searchParams.get('tab') === 'complaints');
      expect(new URL(page.url()).searchParams.get('q')).toBe('mar');
      expect(await box.inputValue()).toBe('mar');
      await expect.poll(() => rows().count()).toBe(1);
      expect(await rows().first().getAttribute('data-conversation-id')).toBe(seeded.ids.complaint);

      await page.locator('nav.tabs a[data-tab="opt_outs"]').click();
      await page.waitForURL((url) => url.searchParams.get('tab') === 'opt_outs');
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('No conversations match “mar”');

      // Clearing the search brings back the whole tab.
      await page.locator('nav.tabs a[data-tab="engaged"]').click();
      await page.waitForURL((url) => !url.searchParams.has('tab'));
      await box.fill('');
      await box.press('Enter');
      await expect.poll(() => rows().count()).toBe(5);
      expect(new URL(page.url()).searchParams.has('q')).toBe(false);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('shows why a conversation matched: the older message, highlighted', async () => {
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    // "garage" is in Aisha's first message; her newest is "Perfect, see you then".
    await box.fill('garage');
    await box.press('Enter');
    await expect.poll(() => rows().count()).toBe(1);
    const row = rowFor(seeded.ids.recent);
    const snippet = row.locator('[data-match="message"]');
    await expect.poll(() => snippet.textContent()).toContain('My water heater is leaking in the garage');
    expect(await snippet.textContent()).toContain('Earlier');
    expect(await snippet.locator('mark').allTextContents()).toEqual(['garage']);
    expect(await row.textContent()).not.toContain('Perfect, see you then');
    await screenshot(page, 'search-highlight-1280');

    // A name match marks the name.
    await box.fill('delg');
    await box.press('Enter');
    await expect.poll(() => rowFor(seeded.ids.waiting).locator('.name mark').textContent()).toBe('Delg');
    expect(await rows().count()).toBe(1);
  });

  it('finds numbers from two digits: "55" finds every (555) 555-… number and marks the digits', async () => {
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.fill('55');
    await box.press('Enter');
    await expect.poll(() => rows().count()).toBe(5);
    for (const row of await rows().all()) {
      const marks = await row.locator('mark').allTextContents();
      expect(marks.join('')).toMatch(/^[5() ]+$/);
      expect(marks.join('').replace(/\D/g, '').length).toBeGreaterThanOrEqual(2);
    }
    const complaints = page.locator('nav.tabs a[data-tab="complaints"] .count');
    expect(await complaints.textContent()).toMatch(/^1/);
    expect(await page.locator('nav.tabs a[data-tab="opt_outs"] .count').textContent()).toMatch(/^1/);
  });

  it('says what to try when a search finds nothing, by what was typed', async () => {
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.fill('4321');
    await box.press('Enter');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('No number contains “4321”');
    await box.fill('banging noise upstairs');
    await box.press('Enter');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('No message or name matches “banging noise upstairs”');
    expect(await page.getByRole('status').first().textContent()).toContain('Try fewer words');
    await box.fill('');
    await box.press('Enter');
    await expect.poll(() => rows().count()).toBe(5);
  });

  it('opens a conversation with j/k and Enter, replies, and the badge goes', async () => {
    await page.locator('body').click({ position: { x: 900, y: 400 } });
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.baseUrl}/conversations/${seeded.ids.urgent}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Maria Garcia');
    expect(await page.locator('.conversation .head').getByText('Needs attention').isVisible()).toBe(true);

    const reply = page.getByLabel('Reply to Maria Garcia');
    await reply.fill('We can be there at 9am tomorrow.');
    await reply.press('Shift+Enter');
    await reply.pressSequentially('Does that work?');
    expect(await page.locator('#reply-count').textContent()).toMatch(/48 \/ 1600 characters\s·\s1\s*SMS/);
    await reply.press('Enter');

    const sent = page.locator('.message.outbound').last();
    await expect.poll(() => sent.locator('.body').textContent(), { timeout: 15_000 }).toBe('We can be there at 9am tomorrow.\nDoes that work?');
    await expect.poll(() => page.locator('.conversation .head').getByText('Needs attention').count()).toBe(0);
    await expect.poll(() => rowFor(seeded.ids.urgent).getByText('Needs attention').count()).toBe(0);
    expect(await reply.inputValue()).toBe('');
    // The CSR keeps their place: Maria now sorts below Rosa (still waiting), but stays open, selected
    // and where she was, marked as moved; j continues from her to the next one waiting.
    const first = rows().first();
    expect(await first.getAttribute('data-conversation-id')).toBe(seeded.ids.urgent);
    expect(await first.getAttribute('aria-current')).toBe('page');
    expect(await first.getByText(/Moved/).isVisible()).toBe(true);
    expect(await first.isVisible()).toBe(true);
    await page.locator('.transcript').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('j');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-conversation-id'))).toBe(seeded.ids.waiting);
    // The worker sends it through (fake) Twilio; the delivery status follows live.
    await expect.poll(() => stack.fakes.twilio.messages.length, { timeout: 30_000 }).toBe(1);
    expect(stack.fakes.twilio.messages[0]?.body).toBe('We can be there at 9am tomorrow.\nDoes that work?');
    await screenshot(page, 'conversation-1280');
  });

  it('shows an inbound message that arrives meanwhile, live, on top', async () => {
    const before = await rows().first().getAttribute('data-conversation-id');
    expect(before).not.toBe(seeded.ids.quiet);
    const response = await stack.sendInbound({ from: seeded.phones.quiet, body: 'The AC is making a grinding noise again, can you send someone?' });
    expect(response.status).toBe(200);
    await expect.poll(() => rows().first().getAttribute('data-conversation-id'), { timeout: 30_000 }).toBe(seeded.ids.quiet);
    await expect.poll(() => rows().first().textContent(), { timeout: 30_000 }).toContain('grinding noise');
  });

  it('shows a hostile message body as text', async () => {
    await rowFor(seeded.ids.hostile).click();
    await page.waitForURL((url) => url.pathname === `/conversations/${seeded.ids.hostile}`);
    const body = page.locator('.message.inbound .body').first();
    await expect.poll(() => body.textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await page.locator('.transcript img, .row img').count()).toBe(0);
    expect(await rowFor(seeded.ids.hostile).locator('.preview').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(dialogs).toHaveLength(0);
  });

  it('blocks replies to an opted-out customer, with the reason', async () => {
    await page.goto(`${stack.baseUrl}/conversations/${seeded.ids.optOut}?tab=opt_outs`);
    await expect.poll(() => page.getByRole('note').textContent()).toContain('opted out of texts');
    expect(await page.getByLabel(/Reply to/).count()).toBe(0);
  });

  it('works on a phone-sized screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${stack.baseUrl}/conversations`);
    await expect.poll(() => phone.locator('a.row').count()).toBeGreaterThan(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Every tab's badges are inside the tab bar and the screen, not scrolled or cut off.
    const bar = (await phone.locator('nav.tabs').boundingBox())!;
    const badges = phone.locator('nav.tabs .count, nav.tabs .waiting');
    expect(await badges.count()).toBe(5); // three counts, two "need attention" (Engaged, Complaints)
    for (const badge of await badges.all()) {
      const box = (await badge.boundingBox())!;
      const where = `${await badge.textContent()} at ${JSON.stringify(box)} in ${JSON.stringify(bar)}`;
      expect(box.x, where).toBeGreaterThanOrEqual(bar.x);
      expect(box.x + box.width, where).toBeLessThanOrEqual(bar.x + bar.width + 0.5);
      expect(box.y, where).toBeGreaterThanOrEqual(bar.y);
      expect(box.y + box.height, where).toBeLessThanOrEqual(bar.y + bar.height + 0.5);
      expect(box.x, where).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, where).toBeLessThanOrEqual(390);
    }
    expect(await phone.locator('nav.tabs').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await screenshot(phone, 'inbox-390');
    const search = phone.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('garage');
    await search.press('Enter');
    await expect.poll(() => phone.locator('a.row mark').first().textContent()).toBe('garage');
    await screenshot(phone, 'search-highlight-390');
    await search.fill('');
    await search.press('Enter');
    await expect.poll(() => phone.locator('a.row').count()).toBe(5);
    await phone.locator(`a.row[data-conversation-id="${seeded.ids.urgent}"]`).click();
    await phone.waitForURL((url) => url.pathname === `/conversations/${seeded.ids.urgent}`);
    await expect.poll(() => phone.getByRole('link', { name: '← All conversations' }).isVisible()).toBe(true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'conversation-390');
    await phone.close();
  });

  it('marks a complaint handled and files it under another category', async () => {
    await page.goto(`${stack.baseUrl}/conversations/${seeded.ids.complaint}?tab=complaints`);
    const head = page.locator('.conversation .head');
    await expect.poll(() => head.getByText('Needs attention').count()).toBe(1);
    await head.getByRole('button', { name: 'Mark handled' }).click();
    await expect.poll(() => head.getByText('Handled', { exact: true }).count()).toBe(1);
    expect(await head.getByText('Needs attention').count()).toBe(0);
    await expect.poll(() => rowFor(seeded.ids.complaint).getByText('Needs attention').count()).toBe(0);

    await page.getByLabel('Category', { exact: true }).selectOption('engaged');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => head.locator('.category').textContent()).toBe('Engaged');
    await expect.poll(() => page.locator('nav.tabs a[data-tab="complaints"] .count').textContent()).toMatch(/^0/);
    await expect.poll(() => page.getByText('Set by a person').count()).toBe(1);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.goto(`${stack.baseUrl}/conversations`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
