import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, hasChromium, launch } from '../support/console-fixtures';
import { http, uniqueAccount } from '../support/http';

/**
 * The hosted pages' door (GET /apply, SPEC §13) in Chromium: the link opens the account's state and its token leaves
 * the address bar; the same link opened again shows what to do instead. Every page error or CSP refusal fails the test.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
if (!hasChromium) console.warn(`apply-page.test.ts skipped: no Chromium at ${CHROMIUM}. \`npm run setup\` installs it, or set CHROMIUM_PATH.`);

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A fresh browser (no cookie, no sessionStorage), collecting page errors and console errors other than refused requests. */
async function freshPage(errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(msg.text()));
  return page;
}

describe.skipIf(!hasChromium)('the hosted pages’ door in Chromium', () => {
  it('opens the link, takes the token out of the address bar, and shows the account; a second opening says what to do', async () => {
    const accountId = uniqueAccount('apply');
    const link = (await api.post(`/v1/accounts/${accountId}/sessions`, { locale: 'en', returnUrl: `${baseUrl}/done` })).body as { url: string };
    const errors: string[] = [];

    const page = await freshPage(errors);
    await page.goto(link.url);
    await page.getByText(accountId).waitFor();
    expect(page.url()).toBe(`${baseUrl}/apply#/`);
    expect(await page.locator('h1').textContent()).toBe('Real-name verification');
    expect(await page.getByText('Not verified').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Choose the type of verification' }).count()).toBe(1);
    // The session's cookie is out of the script's reach.
    expect(await page.evaluate('document.cookie')).toBe('');
    // A reload keeps the session (the tab's sessionStorage and the cookie), without the token.
    await page.reload();
    await page.getByText(accountId).waitFor();

    const again = await freshPage(errors);
    await again.goto(link.url);
    await again.getByRole('alert').waitFor();
    expect(await again.locator('main').textContent()).toContain('already used');
    expect(await again.locator('main').textContent()).toContain('ask for a new link');
    expect(again.url()).toBe(`${baseUrl}/apply`);
    expect(errors).toEqual([]);
  });

  it('shows what to do, in Chinese by default, for a made-up link', async () => {
    const errors: string[] = [];
    const page = await freshPage(errors);
    await page.goto(`${baseUrl}/apply#t=${'A'.repeat(43)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.locator('main').textContent()).toContain('此链接无效');
    expect(await page.locator('main').textContent()).toContain('重新获取认证链接');
    expect(errors).toEqual([]);
  });
});
