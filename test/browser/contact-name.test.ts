// A CSR names the customer from the conversation view in a real browser: the inline "Edit name" form
// (open while the URL says `?edit=name`), saved by keyboard, shows the new name in the header and in the
// inbox row; a name the API refuses shows its error under the field and changes nothing.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContact, createConversation, createMessage, createUser } from '../support/factories.ts';
import { launchChromium, screenshot, signIn } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
let conversationId = '';
let contactId = '';

const heading = () => page.locator('#conversation-title');
const row = () => page.locator(`a.row[data-conversation-id="${conversationId}"]`);
const nameForm = () => page.getByRole('form', { name: "Edit the customer's name" });
const storedName = async () => {
  const contact = await stack.test.db.models.Contact.findByPk(contactId, { rejectOnEmpty: true });
  return [contact.firstName, contact.lastName];
};
const focusedId = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || null);
const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

beforeAll(async () => {
  stack = await startStack();
  const { user, password } = await createUser(stack.test.db, { tenantId: stack.tenant.id, role: 'csr' });
  const contact = await createContact(stack.test.db, { tenantId: stack.tenant.id, firstName: 'Jon', lastName: 'Smyth', phone: '+13055550188' });
  contactId = contact.id;
  const conversation = await createConversation(stack.test.db, { tenantId: stack.tenant.id, contactId, phoneNumberId: stack.ourNumber.id, needsAttention: true });
  conversationId = conversation.id;
  await createMessage(stack.test.db, { conversationId, body: 'Hi, this is Jonathan Smith — the AC in the attic is dripping.' });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await signIn(context, stack.baseUrl, user.email, password);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `failed-contact-name-${task.name}`).catch(() => {});
  });
});

describe("the customer's name in the conversation view", () => {
  it('a CSR corrects it by keyboard; the header and the inbox row show the new name', async () => {
    await page.goto(`${stack.baseUrl}/conversations/${conversationId}?tab=engaged`);
    await expect.poll(() => heading().textContent()).toBe('Jon Smyth');
    await expect.poll(() => row().locator('.name').textContent()).toContain('Jon Smyth');

    await page.getByRole('link', { name: 'Edit name' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('edit') === 'name');
    await expect.poll(focusedId).toBe('contact-firstName');
    expect(await page.getByLabel('First name').inputValue()).toBe('Jon');
    await screenshot(page, 'contact-name-editing-1280');

    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Jonathan');
    await page.keyboard.press('Tab');
    await expect.poll(focusedId).toBe('contact-lastName');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Smith');
    await page.keyboard.press('Enter');

    await expect.poll(() => heading().textContent()).toBe('Jonathan Smith');
    await expect.poll(() => row().locator('.name').textContent()).toContain('Jonathan Smith');
    expect(await storedName()).toEqual(['Jonathan', 'Smith']);
    // The editor closed; the list state stayed in the URL; focus is back on the control that opened it.
    expect(new URL(page.url()).searchParams.get('edit')).toBeNull();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('engaged');
    expect(await nameForm().count()).toBe(0);
    await expect.poll(focusedId).toBe('Edit name');
    await screenshot(page, 'contact-name-saved-1280');
  });

  it('a 200-character name shows the field error, keeps what was typed and saves nothing; Escape closes it', async () => {
    await page.getByRole('link', { name: 'Edit name' }).click();
    await page.getByLabel('First name').fill('J'.repeat(200));
    await page.getByRole('button', { name: 'Save name' }).click();

    const error = page.locator('#contact-firstName-error');
    await expect.poll(() => error.textContent()).toBe('First name must be at most 100 characters.');
    expect(await page.getByLabel('First name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('First name').getAttribute('aria-describedby')).toBe('contact-firstName-error');
    expect(await page.getByLabel('First name').inputValue()).toBe('J'.repeat(200));
    await expect.poll(focusedId).toBe('contact-firstName');
    expect(await page.locator('#contact-lastName-error').count()).toBe(0);
    expect(await heading().textContent()).toBe('Jonathan Smith');
    expect(await storedName()).toEqual(['Jonathan', 'Smith']);
    await screenshot(page, 'contact-name-error-1280');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await noSideScroll()).toBe(true);
    await screenshot(page, 'contact-name-error-390');

    await page.keyboard.press('Escape');
    await expect.poll(() => nameForm().count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('edit')).toBeNull();
    expect(await heading().textContent()).toBe('Jonathan Smith');
  });

  it('at 390 px the editor opened from its URL fits the screen and saves', async () => {
    await page.goto(`${stack.baseUrl}/conversations/${conversationId}?edit=name`);
    await expect.poll(() => nameForm().count()).toBe(1);
    expect(await noSideScroll()).toBe(true);
    await screenshot(page, 'contact-name-editing-390');
    await page.getByLabel('Last name').fill('Smith-Jones');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => heading().textContent()).toBe('Jonathan Smith-Jones');
    expect(await storedName()).toEqual(['Jonathan', 'Smith-Jones']);
    await page.getByRole('link', { name: '← All conversations' }).click();
    await expect.poll(() => row().locator('.name').textContent()).toContain('Jonathan Smith-Jones');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
