import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, hasChromium, launch, shot, staffToken } from '../support/console-fixtures';
import { enterprise, firstApproval, passFace, requestAfterCooldown, uploadMaterials, verifiedEnterprise } from '../support/changes';
import { http, uniqueAccount } from '../support/http';

/**
 * Four eyes in the reviewer console (SPEC §6): an entity change's case shows "已有 1 / 2 个批准 / 1 of 2 approvals"
 * and who gave it; the first approver is refused a second approval; the second reviewer's approval decides it.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
if (!hasChromium) console.warn(`console-four-eyes.test.ts skipped: no Chromium at ${CHROMIUM}.`);

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** An entity change A → B whose materials wait in review, approved once by 王芳. */
async function firstApproved() {
  const accountId = uniqueAccount('four-eyes');
  const { enterprise: a } = await verifiedEnterprise(baseUrl, accountId);
  const b = enterprise();
  const newEnterprise = { name: b.name, creditCode: b.code, address: { region: '上海市/浦东新区', detail: '世纪大道 1 号' } };
  const change = await requestAfterCooldown(baseUrl, accountId, { type: 'enterprise_entity_change', agreementAccepted: true, formerLegalPerson: a.legalPerson, newEnterprise });
  await passFace(baseUrl, change.nextAction.ticket);
  const materials = await uploadMaterials(baseUrl, accountId, ['change_application_form', 'current_license', 'id_photo_emblem', 'id_photo_portrait']);
  const inReview = await api.post(`/v1/changes/${change.id}/materials`, { materials });
  expect(inReview.status, JSON.stringify(inReview.body)).toBe(200);
  await firstApproval(baseUrl, inReview.body.reviewId, '王芳');
  return inReview.body.reviewId as string;
}

describe.skipIf(!hasChromium)('four eyes in the reviewer console', () => {
  it('shows 1 of 2 approvals and who gave it; the second reviewer decides', { timeout: 120_000 }, async () => {
    const reviewId = await firstApproved();
    // Each reviewer in a browser of their own (the console keeps its sign-in in sessionStorage).
    const contexts = [await browser.newContext({ viewport: { width: 1280, height: 800 } }), await browser.newContext({ viewport: { width: 1280, height: 800 } })];
    const approve = async (who: number, token: string) => {
      const page = await contexts[who]!.newPage();
      await page.goto(`${baseUrl}/console`);
      await page.getByLabel('令牌 Token').fill(token);
      await page.getByRole('button', { name: '登录 Sign in' }).click();
      await page.getByRole('heading', { name: '待审核 Open queue' }).waitFor();
      await page.goto(`${baseUrl}/console#/reviews/${reviewId}`);
      await page.getByRole('heading', { name: new RegExp(reviewId) }).waitFor();
      const approvals = (await page.getByTestId('approvals').textContent()) ?? '';
      await page.getByRole('button', { name: '通过 Approve' }).click();
      await page.locator('.actions[aria-busy]').waitFor({ state: 'detached' });
      return { page, approvals, notice: (await page.locator('.actions .messages .notice').textContent()) ?? '' };
    };
    try {
      const wang = await approve(0, await staffToken(baseUrl, 'reviewer', '王芳'));
      expect(wang.approvals).toContain('已有 1 / 2 个批准');
      expect(wang.approvals).toContain('1 of 2 approvals');
      expect(wang.approvals).toContain('王芳');
      expect(wang.notice).toContain('您已批准此案件，需由另一位审核员批准');
      await shot(wang.page, 'four-eyes-first-approval');

      const li = await approve(1, await staffToken(baseUrl, 'reviewer', 'li.lei'));
      expect(li.notice).toContain('已通过');
      expect(await li.page.getByTestId('approvals').textContent()).toContain('已有 2 / 2 个批准');
      expect((await api.get(`/v1/reviews/${reviewId}`, { token: await staffToken(baseUrl, 'reviewer', 'li.lei') })).body).toMatchObject({ status: 'decided' });
    } finally {
      for (const context of contexts) await context.close();
    }
  });
});
