import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hasChromium, launch } from '../support/console-fixtures';
import { http, mainlandId } from '../support/http';
import { docShot, fillIndividual, openPages, PHONE, seriousViolations } from '../support/pages';

/**
 * The individual's pages in Chromium (SPEC §3, §13): each method's way to 认证完成 and its failures, driven through the
 * pages and the sandbox phone only — the flows at phone size, as most people open them.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** From the start page to the QR: 开始个人认证 → 填写基本信息 → 下一步 → the confirmation with 认证方式 → 确认. */
async function startIndividual(page: Page, person: { realName: string; idNumber: string; idType?: string }, method: RegExp) {
  await page.getByRole('link', { name: /开始个人认证|Verify as an individual/ }).click();
  await fillIndividual(page, person);
  await page.getByRole('button', { name: /下一步|Next/ }).click();
  await page.getByRole('radio', { name: method }).check();
  await page.getByRole('button', { name: /^(确认|Confirm)$/ }).click();
  await page.locator('svg.qr').waitFor();
}

const phone = (page: Page) => page.getByRole('complementary', { name: /沙箱手机|Sandbox phone/ });

describe.skipIf(!hasChromium)('the individual’s pages in Chromium', () => {
  it('WeChat QR at phone size: the seed’s steps, a real QR that refreshes, the phone authorises, 认证完成, the message centre', async () => {
    const { page, accountId, errors } = await openPages(browser, baseUrl, { viewport: PHONE, returnUrl: `${baseUrl}/done` });
    await page.getByRole('heading', { name: '选择认证类型' }).waitFor();
    await docShot(page, 'start');
    expect(await seriousViolations(page)).toEqual([]);

    const person = { realName: '王小明', idNumber: mainlandId('1990-02-03') };
    await page.getByRole('link', { name: '开始个人认证' }).click();
    // Nothing filled in: 下一步 marks the required fields and stays.
    await page.getByRole('button', { name: '下一步' }).click();
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(4);
    await fillIndividual(page, person);
    await docShot(page, 'individual-form');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByText('请确认认证信息').waitFor();
    expect(await page.locator('dl.summary').textContent()).toContain(person.idNumber);
    await page.getByRole('radio', { name: /微信扫码/ }).check();
    await docShot(page, 'individual-confirm');
    await page.getByRole('button', { name: '确认' }).click();

    const qr = page.locator('svg.qr');
    await qr.waitFor();
    const first = await qr.getAttribute('data-content');
    expect(first).toMatch(/^https?:|^weixin:/);
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(160);
    await page.getByText(/二维码有效期至 .* \(北京时间\)/).waitFor();
    await docShot(page, 'individual-qr');
    expect(await seriousViolations(page)).toEqual([]);

    // A fresh QR replaces the old one (its ticket stops working) and the count goes down.
    await page.getByRole('button', { name: '刷新二维码' }).click();
    await page.getByText('还可刷新 4 次').waitFor();
    expect(await qr.getAttribute('data-content')).not.toBe(first);

    await phone(page).getByRole('button', { name: '微信扫码并授权' }).click();
    await page.getByText('你已完成实名认证。').waitFor();
    expect(await page.getByRole('link', { name: '完成，返回控制台' }).getAttribute('href')).toBe(`${baseUrl}/done`);
    await docShot(page, 'individual-done');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.status).toBe('verified');

    await page.getByRole('link', { name: '返回首页' }).click();
    await page.getByRole('link', { name: '消息中心' }).click();
    await page.locator('ol.messages li').first().waitFor();
    expect(await page.locator('ol.messages').textContent()).toContain('结果');
    expect(errors).toEqual([]);
  });

  it('an expired QR is replaced without a click while the page is open', async () => {
    const { page, errors } = await openPages(browser, baseUrl);
    // The server's first answer after the QR appears says it has expired (a 10-minute wait, played by rewriting it).
    let rewritten = false;
    await page.route(/\/v1\/verifications\/ver_[^/]+$/, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      if (!rewritten && body.nextAction?.type === 'scan_qr') {
        rewritten = true;
        body.nextAction.expired = true;
      }
      await route.fulfill({ response, json: body });
    });
    await startIndividual(page, { realName: '周芷若', idNumber: mainlandId('1991-01-01') }, /微信扫码/);
    await page.getByText('还可刷新 4 次').waitFor();
    expect(rewritten).toBe(true);
    expect(errors).toEqual([]);
  });

  it('QQ QR without a linked card waits on the bank-card page until the phone links one', async () => {
    const { page, errors } = await openPages(browser, baseUrl, { viewport: PHONE });
    const person = { realName: '李雷', idNumber: mainlandId('1988-08-08') };
    await startIndividual(page, person, /QQ扫码/);
    await page.getByText('请使用手机 QQ 扫描二维码并确认').waitFor();
    await phone(page).getByLabel('已绑定银行卡').uncheck();
    await phone(page).getByRole('button', { name: 'QQ 扫码并确认' }).click();
    await page.getByRole('heading', { name: '请绑定银行卡' }).waitFor();
    await phone(page).getByRole('button', { name: '绑定银行卡' }).click();
    await page.getByText('你已完成实名认证。').waitFor();
    expect(errors).toEqual([]);
  });

  it('face recognition shows the tries left and ends FACE_MISMATCH in words after the third failure; started again, it passes', async () => {
    const { page, errors } = await openPages(browser, baseUrl, { viewport: PHONE });
    const person = { realName: '韩梅梅', idNumber: mainlandId('1992-09-09') };
    await startIndividual(page, person, /人脸识别/);
    await page.getByText('还有 3 次机会').waitFor();
    await phone(page).getByRole('button', { name: '人脸识别未通过' }).click();
    await page.getByText('还有 2 次机会').waitFor();
    await phone(page).getByRole('button', { name: '人脸识别未通过' }).click();
    await page.getByText('还有 1 次机会').waitFor();
    await phone(page).getByRole('button', { name: '人脸识别未通过' }).click();
    await page.getByText('人脸识别 3 次未通过。').waitFor();
    await docShot(page, 'individual-failed');
    await page.getByRole('link', { name: '重新认证' }).click();
    await page.getByRole('heading', { name: '填写基本信息' }).waitFor();
    // Again, and this time the face check passes at the second try.
    await fillIndividual(page, { realName: '韩梅梅', idNumber: person.idNumber });
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('radio', { name: /^人脸识别/ }).check();
    await page.getByRole('button', { name: '确认' }).click();
    await phone(page).getByRole('button', { name: '人脸识别未通过' }).click();
    await page.getByText('还有 2 次机会').waitFor();
    await phone(page).getByRole('button', { name: '人脸识别通过' }).click();
    await page.getByText('你已完成实名认证。').waitFor();
    expect(errors).toEqual([]);
  });

  it('a WeChat without a bank card ends BANK_CARD_REQUIRED, said in words', async () => {
    const { page, errors } = await openPages(browser, baseUrl);
    await startIndividual(page, { realName: '赵敏', idNumber: mainlandId('1985-01-01') }, /微信扫码/);
    await phone(page).getByLabel('已绑定银行卡').uncheck();
    await phone(page).getByRole('button', { name: '微信扫码并授权' }).click();
    await page.getByText('微信未绑定银行卡，请在微信支付中绑定银行卡后重新认证。').waitFor();
    expect(errors).toEqual([]);
  });

  it('a permit holder may choose WeChat QR only, and verifies with it', async () => {
    const { page, errors } = await openPages(browser, baseUrl);
    await page.getByRole('link', { name: '开始个人认证' }).click();
    await fillIndividual(page, { realName: '陈大文', idNumber: 'H12345678', idType: 'hk_macao_permit' });
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('radio', { name: /^微信扫码/ }).waitFor();
    expect(await page.getByRole('radio', { name: /^QQ扫码/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /^人脸识别/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /^微信扫码/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '确认' }).click();
    await phone(page).getByRole('button', { name: '微信扫码并授权' }).click();
    await page.getByText('你已完成实名认证。').waitFor();
    expect(errors).toEqual([]);
  });

  it('an invalid ID number is refused in words on the confirmation and marked on the form', async () => {
    const { page, errors } = await openPages(browser, baseUrl);
    await page.getByRole('link', { name: '开始个人认证' }).click();
    const valid = mainlandId('1990-02-03');
    await fillIndividual(page, { realName: '张三', idNumber: `${valid.slice(0, 17)}${valid.endsWith('1') ? '2' : '1'}` });
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('radio', { name: /微信扫码/ }).check();
    await page.getByRole('button', { name: '确认' }).click();
    await page.getByRole('alert').filter({ hasText: '证件号码无效' }).waitFor();
    await page.getByRole('button', { name: '上一步' }).click();
    expect(await page.getByLabel('证件号码').getAttribute('aria-invalid')).toBe('true');
    expect(errors).toEqual([]);
  });

  it('switches to English and back mid-flow, keeping what was typed', async () => {
    const { page, errors } = await openPages(browser, baseUrl);
    await page.getByRole('link', { name: '开始个人认证' }).click();
    await page.getByLabel('真实姓名').fill('张三');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Individual verification' }).waitFor();
    expect(await page.getByLabel('Real name').inputValue()).toBe('张三');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'Next' }).count()).toBe(1);
    await docShot(page, 'individual-form-en');
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { name: '个人认证' }).waitFor();
    expect(errors).toEqual([]);
  });
});
