import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, hasChromium, launch, shot, staffToken } from '../support/console-fixtures';
import { verifiedIndividual } from '../support/changes';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';

/**
 * The funnel page of the reviewer console (#/funnel, issue 26): an admin sees, for a range of Beijing days, each
 * method's outcomes as a chart with the same numbers in a table, where the unfinished ones stopped, the time to
 * verify and the review SLA; the page asks the API for exactly the range shown; a reviewer is told it is for admins.
 * The e2e database is shared with other test files, so the page is checked against the answer it was given.
 */
declare const window: any;

const baseUrl = inject('baseUrl');
const api = http(baseUrl);
if (!hasChromium) console.warn(`console-funnel.test.ts skipped: no Chromium at ${CHROMIUM}.`);

let browser: Browser;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

async function signedIn(token: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(msg.text()));
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('令牌 Token').fill(token);
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  await page.getByRole('heading', { name: '待审核 Open queue' }).waitFor();
  return page;
}

const beijingDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

/** The cells of the outcomes table's row for a method, by column key. */
async function outcomeRow(page: Page, method: string) {
  const row = page.getByTestId('funnel-outcomes').locator(`tbody tr[data-method="${method}"]`);
  const keys = ['started', 'verified', 'failed', 'expired', 'cancelled', 'open'];
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, Number.parseInt((await row.locator(`[data-key="${k}"]`).textContent()) ?? '', 10)])));
}

describe.skipIf(!hasChromium)('the funnel in the reviewer console', () => {
  it('shows an admin the funnel of the range it asked for, as charts and tables', { timeout: 120_000 }, async () => {
    // One WeChat verification verified and one left at its QR, so the range has both an outcome and a step.
    await verifiedIndividual(baseUrl, uniqueAccount('funnel-ok'));
    const open = await api.post(`/v1/accounts/${uniqueAccount('funnel-open')}/verifications`, individualBody({ idNumber: mainlandId() }));
    expect(open.status, JSON.stringify(open.body)).toBe(201);

    const errors: string[] = [];
    const page = await signedIn(await staffToken(baseUrl, 'admin', '陈静'), errors);
    const answered = page.waitForResponse((res) => res.url().includes('/v1/admin/analytics/funnel'));
    await page.getByRole('link', { name: '认证漏斗 Funnel' }).click();
    const response = await answered;
    expect(response.status()).toBe(200);
    const funnel = await response.json();

    // The default range: the 30 Beijing days to today, both included, so up to the next midnight.
    const asked = new URL(response.url()).searchParams;
    const today = beijingDay(Date.now());
    expect(asked.get('to')).toBe(`${beijingDay(Date.parse(`${today}T00:00:00+08:00`) + 86_400_000)}T00:00:00+08:00`);
    expect(asked.get('from')).toBe(`${beijingDay(Date.parse(`${today}T00:00:00+08:00`) - 29 * 86_400_000)}T00:00:00+08:00`);
    expect(await page.getByLabel('至 To').inputValue()).toBe(today);

    const wechat = funnel.items.find((i: { method: string }) => i.method === 'wechat_qr');
    expect(wechat.started).toBeGreaterThanOrEqual(2);
    expect(wechat.verified).toBeGreaterThanOrEqual(1);
    expect(wechat.dropOffByStep.awaiting_scan).toBeGreaterThanOrEqual(1);

    // Every method's row says what the API said; open = started minus every ending.
    await page.getByTestId('funnel-outcomes').waitFor();
    for (const item of funnel.items) {
      const failed = Object.values(item.failed as Record<string, number>).reduce((a, b) => a + b, 0);
      const open = item.started - item.verified - failed - item.expired - item.cancelled;
      expect(await outcomeRow(page, item.method)).toEqual({ started: item.started, verified: item.verified, failed, expired: item.expired, cancelled: item.cancelled, open });
    }
    const scanRow = page.getByTestId('funnel-steps').locator('tr[data-method="wechat_qr"][data-step="awaiting_scan"] [data-key="count"]');
    expect(await scanRow.textContent()).toBe(String(wechat.dropOffByStep.awaiting_scan));
    expect(await page.getByTestId('funnel-reviews').locator('[data-key="decided"]').textContent()).toBe(String(funnel.reviews.decided));

    // The charts were drawn by Chart.js with the same numbers.
    const drawn = await page.evaluate(() => {
      const chart = window.Chart.getChart('chart-outcomes');
      return { labels: chart.data.labels, verified: chart.data.datasets[0].data, times: Boolean(window.Chart.getChart('chart-times')), steps: Boolean(window.Chart.getChart('chart-steps')) };
    });
    expect(drawn.verified).toEqual(funnel.items.map((i: { verified: number }) => i.verified));
    expect(drawn.labels).toContain('微信扫码 WeChat QR');
    expect(drawn).toMatchObject({ times: true, steps: true });
    await shot(page, 'funnel');

    // A range in the wrong order is refused on the page; a range with nothing in it says so.
    await page.getByLabel('从 From').fill('2001-01-05');
    await page.getByLabel('至 To').fill('2001-01-01');
    await page.getByRole('button', { name: '查看 Show' }).click();
    await page.getByText('The first day must not be after the last.').waitFor();
    await page.getByLabel('至 To').fill('2001-01-31');
    const empty = page.waitForResponse((res) => res.url().includes('/v1/admin/analytics/funnel'));
    await page.getByRole('button', { name: '查看 Show' }).click();
    expect(new URL((await empty).url()).searchParams.get('to')).toBe('2001-02-01T00:00:00+08:00');
    await page.getByTestId('funnel-empty').waitFor();
    expect(page.url()).toContain('#/funnel?from=2001-01-05&to=2001-01-31');
    expect(errors).toEqual([]);
  });

  it('tells a reviewer that the funnel is for admins', { timeout: 60_000 }, async () => {
    const errors: string[] = [];
    const page = await signedIn(await staffToken(baseUrl, 'reviewer', '王芳'), errors);
    await page.goto(`${baseUrl}/console#/funnel`);
    await page.getByText('The funnel is for admins only.').waitFor();
    expect(await page.locator('canvas').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
