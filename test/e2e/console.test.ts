import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, hasChromium, launch, paperPdf, paperPng, remittanceWithPapers, shot, staffToken } from '../support/console-fixtures';
import { requestAfterCooldown, verifiedEnterprise } from '../support/changes';
import { enterprise, register } from '../support/enterprise';
import { uploadFile } from '../../scripts/lib/files';
import { http, KEYS, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * The reviewer console (GET /console, issue 11) in a real browser against the e2e stack: sign in with a staff token,
 * find the case in the queue, open it by keyboard, see the materials, claim, reject with a reason, and the applicant's
 * message centre has the reason; a second reviewer is refused on the claimed case. Screenshots: test-artifacts/console.
 */
// What the functions run in the page use (the project's TypeScript has no DOM library, and should not get one for this).
declare const document: any, window: any, sessionStorage: any, getComputedStyle: any;

/** Chromium's built-in PDF viewer (an extension): it draws a PDF framed from a blob: URL in a frame of its own. */
const PDF_VIEWER = 'chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/';
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
if (!hasChromium) console.warn(`console.test.ts skipped: no Chromium at ${CHROMIUM}. \`npm run setup\` installs it (apt-get install chromium fonts-noto-cjk), or set CHROMIUM_PATH.`);

let browser: Browser;
const contexts: BrowserContext[] = [];

/** A reviewer's own browser (their own sessionStorage), with every page error and CSP refusal collected. */
async function reviewerPage(errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  // Refused requests (409, 401) are logged as "Failed to load resource"; anything else, such as a CSP refusal, is a fault.
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(msg.text()));
  return page;
}

async function signIn(page: Page, token: string) {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('令牌 Token').fill(token);
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  await page.getByRole('heading', { name: '待审核 Open queue' }).waitFor();
}

/** Tabs through the page, as a keyboard user would, until `target` has the focus. */
async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error('not reachable with Tab');
}

/** Presses an action button (by keyboard: Tab to it, Enter) and waits until the case has reloaded; answers the message it left. */
async function act(page: Page, button: Locator, via: 'click' | 'keyboard' = 'click') {
  if (via === 'keyboard') {
    await tabTo(page, button);
    await page.keyboard.press('Enter');
  } else await button.click();
  await page.locator('.actions[aria-busy]').waitFor({ state: 'detached' });
  return (await page.locator('.actions .messages .notice').textContent()) ?? '';
}

const visibleSoon = (locator: Locator, timeout = 5_000) => locator.waitFor({ timeout }).then(() => true, () => false);
/** The text of what may not be there (a part of the page that waits for the server side): '' after 5 s. */
const textSoon = async (locator: Locator) => ((await visibleSoon(locator)) ? ((await locator.textContent()) ?? '') : '');

beforeAll(async () => {
  if (hasChromium) browser = await launch();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

describe('GET /console', () => {
  it('serves the page and its modules under a policy of its own: blob: frames for PDFs, nothing inline; the API keeps its own', async () => {
    const page = await fetch(`${baseUrl}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-src blob:');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    for (const asset of html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)) expect((await fetch(`${baseUrl}${asset[1]}`)).status, asset[1]).toBe(200);
    expect((await fetch(`${baseUrl}/console/console.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${baseUrl}/healthz`)).headers.get('content-security-policy')).not.toContain('frame-src');
  });
});

describe.skipIf(!hasChromium)('the reviewer console in Chromium', () => {
  it('a named reviewer finds the case, sees the materials, claims it and rejects it with a reason; a second reviewer is refused', { timeout: 150_000 }, async () => {
    const accountId = uniqueAccount('console');
    const e = enterprise();
    await register(baseUrl, e);
    const { reviewId } = await remittanceWithPapers(baseUrl, browser, accountId, e);
    const [wang, li] = [await staffToken(baseUrl, 'reviewer', '王芳'), await staffToken(baseUrl, 'reviewer', '李审核')];
    const errors: string[] = [];
    const page = await reviewerPage(errors);

    // A token that is not one is refused at sign-in, and kept nowhere.
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('令牌 Token').fill('not-a-token');
    await page.getByRole('button', { name: '登录 Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('登录已失效');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signIn(page, wang);
    expect(await page.getByTestId('me').textContent()).toBe('王芳');
    expect(page.url()).not.toContain(wang);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(wang);

    // The queue, filtered by kind: the case is under 对公打款 and not under 主体变更.
    await page.getByRole('link', { name: '主体变更 Entity change' }).click();
    await page.waitForURL(/#\/queue\?kind=enterprise_entity_change$/);
    // The filtered queue has replaced the whole one (its link is current) before its caption says it has loaded.
    await page.locator('nav.filters a[data-kind="enterprise_entity_change"][aria-current="page"]').waitFor();
    await page.locator('caption').filter({ hasNotText: '加载中' }).waitFor();
    expect(await page.locator(`tr[data-review-id="${reviewId}"]`).count()).toBe(0);
    await page.getByRole('link', { name: '对公打款 Public remittance' }).click();
    const row = page.locator(`tr[data-review-id="${reviewId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('对公打款');
    const overdueFlags = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.classList.contains('overdue')));
    expect(overdueFlags, 'overdue first').toEqual([...overdueFlags].sort((a, b) => Number(b) - Number(a)));
    expect.soft(await row.textContent(), 'due in business days (server: businessDaysLeft)').toMatch(/剩 \d+ 个工作日|今日到期/);
    expect(await row.getByTestId('claimed-by').textContent()).toContain('未认领');
    // The due day is the last business day itself (the server's dueAt is the midnight that ends it).
    const dueAt = (await api.get(`/v1/reviews/${reviewId}`, { token: wang })).body.dueAt as string;
    const dueDay = new Date(Date.parse(dueAt) - 1).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    expect(await row.locator('time.due').textContent()).toBe(`${dueDay} 当日结束 end of day`);
    await shot(page, '1-queue');

    // Opened by keyboard; the licence and both ID photos load as images.
    await tabTo(page, row.getByRole('link', { name: reviewId }));
    expect(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'visible focus').not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/reviews/${reviewId}$`));
    await page.getByRole('heading', { name: new RegExp(`对公打款 Public remittance ${reviewId}`) }).waitFor();
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll('.material img')];
      return images.length === 3 && images.every((img: any) => img.complete && img.naturalWidth > 0);
    });
    const purposes = await page.locator('.material').evaluateAll((figures) => figures.map((f) => f.getAttribute('data-purpose')));
    expect(purposes.sort()).toEqual(['business_license', 'id_photo_emblem', 'id_photo_portrait']);
    expect(await page.locator('.material img').first().getAttribute('src')).toMatch(/^blob:/);
    const applicant = (await page.locator('section[aria-labelledby="applicant-h"]').textContent()) ?? '';
    expect(applicant).toContain(e.name);
    expect(applicant).toContain(e.code);
    expect(applicant, 'a reviewer sees personal fields masked').not.toContain(e.legalPerson.idNumber);
    expect.soft(await page.locator('.steps li').count(), 'the process steps (server: process.steps)').toBeGreaterThan(0);
    // Steps done or under way carry the time they were entered; the timeline lists what the workflow recorded.
    expect(await page.locator('.steps li.done time, .steps li.current time').count(), 'step times (server: process.timeline)').toBeGreaterThan(0);
    expect(await page.locator('.timeline li').count(), 'the timeline: opened and each step').toBeGreaterThanOrEqual(2);
    expect.soft(await page.locator('.history li[data-event="opened"]').count(), 'the history (server: history)').toBe(1);
    // Signals: other accounts sharing its facts, or a line saying none do (— would mean the server answered no signals).
    const signals = (await page.getByTestId('case-signals').textContent()) ?? '';
    expect.soft(signals, 'signals (server: signals)').toContain('关联信号');
    expect.soft(signals.includes('无其他账户共用这些信息') || (await page.locator('[data-testid="case-signals"] table.signals').count()) > 0, 'signals listed or none').toBe(true);

    // Claim, by keyboard.
    const claimed = await act(page, page.getByRole('button', { name: '认领 Claim' }), 'keyboard');
    expect.soft(claimed, 'claimed (server: POST /claim)').toContain('已认领');
    expect.soft(await page.getByTestId('case-claimed-by').textContent(), 'claimedBy').toContain('王芳');
    await shot(page, '2-case-claimed');
    // Readable at 1280 px, on a laptop and on a narrow window: nothing runs off the side.
    for (const [name, width, height] of [['2-case-1280', 1280, 800], ['2-case-laptop', 1366, 768], ['2-case-narrow', 900, 800]] as const) {
      await page.setViewportSize({ width, height });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scrolling at ${width} px`).toBe(true);
      await shot(page, name, false);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // A second reviewer, in a browser of their own, opens the case by its link and is refused.
    const other = await reviewerPage(errors);
    await signIn(other, li);
    await other.goto(`${baseUrl}/console#/reviews/${reviewId}`);
    await other.getByRole('heading', { name: new RegExp(reviewId) }).waitFor();
    expect.soft(await other.getByTestId('case-claimed-by').textContent(), 'the claim shows').toContain('王芳');
    const refusedClaim = await act(other, other.getByRole('button', { name: '认领 Claim' }));
    expect.soft(refusedClaim, 'REVIEW_CLAIMED on claim').toContain('此案件已由 王芳 认领');
    expect.soft(refusedClaim).toContain('This case is claimed by 王芳');
    await shot(other, '3-second-reviewer-refused');

    // A rejection needs a reason: the page refuses a blank one without asking the server.
    const decisions: string[] = [];
    page.on('request', (req) => req.url().endsWith('/decision') && decisions.push(req.method()));
    await act(page, page.getByRole('button', { name: '驳回 Reject' }));
    expect(await page.locator('#reason-error').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reason');
    expect(decisions).toEqual([]);

    const reason = '营业执照照片不清晰，请重新上传 / the licence photo is unreadable';
    await page.getByLabel('驳回原因 Reason').fill(reason);
    expect(await act(page, page.getByRole('button', { name: '驳回 Reject' }))).toContain('已驳回');
    expect(decisions).toEqual(['POST']);
    const record = (await page.getByTestId('decision').textContent()) ?? '';
    expect(record).toContain('驳回');
    expect(record).toContain(reason);
    expect.soft(record, 'the decision names who made it (server: decision.by)').toContain('王芳');
    expect.soft(await textSoon(page.locator('.history li[data-event="decided"]')), 'the history records the decision').toContain('王芳');
    await shot(page, '4-case-rejected');

    // The second reviewer's page is stale: their decision now meets a case that is no longer open.
    await other.getByLabel('驳回原因 Reason').fill('我来驳回 / mine');
    expect(await act(other, other.getByRole('button', { name: '驳回 Reject' }))).toContain('此案件已不再待审核');

    // The applicant's message centre has the reason.
    await eventually(async () => {
      const messages = (await api.get(`/v1/accounts/${accountId}/messages`, { token: KEYS.service })).body.items as { body: string }[];
      expect(messages.some((m) => m.body.includes('the licence photo is unreadable'))).toBe(true);
    });

    // Out of the open queue; sign-out forgets the token; a token that stops working sends the reviewer to sign in.
    await page.getByRole('link', { name: /返回队列/ }).click();
    await page.getByRole('heading', { name: '待审核 Open queue' }).waitFor();
    await page.locator('caption').filter({ hasNotText: '加载中' }).waitFor();
    expect(await page.locator(`tr[data-review-id="${reviewId}"]`).count()).toBe(0);
    await page.getByRole('button', { name: '退出 Sign out' }).click();
    await page.getByRole('heading', { name: '审核台登录 Reviewer console sign-in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await other.evaluate(() => sessionStorage.setItem('rnv.console.token', 'expired.or.tampered'));
    await other.reload();
    await other.getByRole('heading', { name: '审核台登录 Reviewer console sign-in' }).waitFor();
    expect(await other.getByRole('alert').textContent()).toContain('登录已失效');
    expect(errors, 'no script errors or CSP refusals').toEqual([]);
  });

  it('a second round: the PDF application form embedded beside the images, the first round’s reason; the shared reviewer key claims and approves', { timeout: 120_000 }, async () => {
    const accountId = uniqueAccount('console-pdf');
    const { enterprise: e } = await verifiedEnterprise(baseUrl, accountId);
    const newName = `${e.name.slice(0, -6)}更名有限公司`;
    const change = await requestAfterCooldown(baseUrl, accountId, { type: 'enterprise_name_change', newName });
    const form = await paperPdf(browser, '变更申请表', [['原名称', e.name], ['新名称', newName], ['统一社会信用代码', e.code], ['申请日期', '2026 年 1 月 5 日']], '企业公章');
    const papers = {
      change_application_form: form,
      name_change_proof: await paperPng(browser, '准予变更登记通知书', [['原名称', e.name], ['变更后名称', newName]], '市场监督<br>管理局'),
      current_license: await paperPng(browser, '营业执照', [['名称', newName], ['统一社会信用代码', e.code]]),
    };
    const materials = Object.fromEntries(await Promise.all(Object.entries(papers).map(async ([purpose, bytes]) => [purpose, (await uploadFile(baseUrl, accountId, purpose, bytes)).id])));
    // A first round, rejected; the applicant sends the materials again and a second round opens.
    const first = await api.post(`/v1/changes/${change.id}/materials`, { materials });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const firstReason = '申请表未盖章 / the form is not stamped';
    expect((await api.post(`/v1/reviews/${first.body.reviewId}/decision`, { decision: 'reject', reason: firstReason }, { token: KEYS.reviewer })).status).toBe(200);
    const inReview = await api.post(`/v1/changes/${change.id}/materials`, { materials });
    expect(inReview.status, JSON.stringify(inReview.body)).toBe(200);
    const reviewId = inReview.body.reviewId as string;
    expect(reviewId).not.toBe(first.body.reviewId);

    const errors: string[] = [];
    const page = await reviewerPage(errors);
    await signIn(page, KEYS.reviewer);
    expect(await page.getByTestId('me').textContent()).toBe('reviewer');
    const pdfType = page.waitForResponse((res) => res.url().includes(`/v1/uploads/${materials.change_application_form}/content`)).then((res) => res.headers()['content-type']);
    await page.getByRole('link', { name: '名称变更 Name change' }).click();
    await page.locator(`tr[data-review-id="${reviewId}"]`).getByRole('link').click();
    const pdf = page.locator('.material iframe[data-type="application/pdf"]');
    await pdf.waitFor();
    expect(await pdf.getAttribute('src')).toMatch(/^blob:/);
    expect(await pdfType).toBe('application/pdf');
    await page.waitForFunction(() => [...document.querySelectorAll('.material img')].filter((i: any) => i.naturalWidth > 0).length === 2);
    expect(await page.locator('section[aria-labelledby="applicant-h"]').textContent()).toContain(newName);
    expect.soft(await textSoon(page.locator('ol.rounds')), 'earlier rounds with their reasons (server: rounds)').toContain(firstReason);
    // Chromium's PDF viewer draws the form in the frame.
    const viewer = await eventually(async () => {
      const frame = page.frames().find((f) => f.url().startsWith(PDF_VIEWER));
      expect(frame, 'the PDF viewer').toBeDefined();
      return frame!;
    });
    // The viewer has read the document: its toolbar counts the form's one page.
    await viewer.locator('#pagelength').filter({ hasText: /^1$/ }).waitFor({ timeout: 15_000 });
    // Only for the picture: the viewer paints the page a moment after it has counted it.
    await page.waitForTimeout(1_000);
    await shot(page, '5-case-pdf');

    expect.soft(await act(page, page.getByRole('button', { name: '认领 Claim' })), 'the shared key claims as `reviewer`').toContain('已认领');
    expect(await act(page, page.getByRole('button', { name: '通过 Approve' }))).toContain('已通过');
    expect(await page.getByTestId('decision').textContent()).toContain('通过');
    expect(errors, 'no script errors or CSP refusals').toEqual([]);
    console.info(`console screenshots in ${ARTIFACTS}`);
  });
});
