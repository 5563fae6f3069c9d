import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../platform/tools';
import { http, uniqueAccount } from './http';

/**
 * The applicant's pages in Chromium (SPEC §13): a fresh browser opened on a freshly minted link, the page's errors
 * collected (every test ends by asserting there were none), an axe-core check, screenshots for docs/.
 */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
/** Screenshots go to docs/pages with PAGES_DOCS=1 (`npm run docs:pages`, looked at before committing), else to test-artifacts/. */
export const SHOTS = process.env.PAGES_DOCS === '1' ? path.join(REPO_ROOT, 'docs', 'pages') : path.join(REPO_ROOT, 'test-artifacts', 'pages');

export interface OpenedPages {
  page: Page;
  accountId: string;
  /** Page errors and console errors (refused requests aside: a 4xx answer the page shows is not an error). */
  errors: string[];
}

/** Mints a link for the account (a new one unless given) and opens it in a fresh browser context. */
export async function openPages(browser: Browser, baseUrl: string, options: { accountId?: string; locale?: 'zh-CN' | 'en'; viewport?: { width: number; height: number }; returnUrl?: string } = {}): Promise<OpenedPages> {
  const accountId = options.accountId ?? uniqueAccount('page');
  const minted = await http(baseUrl).post<{ url: string }>(`/v1/accounts/${accountId}/sessions`, { locale: options.locale ?? 'zh-CN', ...(options.returnUrl ? { returnUrl: options.returnUrl } : {}) });
  expect(minted.status).toBe(201);
  // bypassCSP only so axe-core can be injected; the page's own CSP is checked by the tests of its headers.
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(msg.text()));
  await page.goto(minted.body.url);
  await page.locator('main h1').waitFor();
  return { page, accountId, errors };
}

const AXE = () => readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core on the page as it stands: the serious and critical violations (there must be none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE() });
  // Evaluated in the page (a string: the tests' TypeScript knows no DOM).
  const result = await page.evaluate<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>('window.axe.run(document, { resultTypes: ["violations"] })');
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A screenshot of a main step (the README shows docs/pages/*.png). */
export async function docShot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Fills the individual's 填写基本信息 form by its labels (either language). */
export async function fillIndividual(page: Page, person: { realName: string; idNumber: string; idType?: string }) {
  await page.getByLabel(/^(真实姓名|Real name)$/).fill(person.realName);
  if (person.idType) await page.getByLabel(/^(证件类型|ID type)$/).selectOption(person.idType);
  await page.getByLabel(/^(证件号码|ID number)$/).fill(person.idNumber);
  await page.getByLabel(/^(所在地区|Region)$/).fill('北京市/朝阳区');
  await page.getByLabel(/^(详细地址|Street address)$/).fill('建国路 1 号');
}
