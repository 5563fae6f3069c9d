import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { png } from '../../scripts/lib/files';
import { hasChromium, launch } from '../support/console-fixtures';
import { bankAccountNumber, enterprise, otherAmount, register, type EnterpriseFixture } from '../support/enterprise';
import { http, KEYS, mainlandId } from '../support/http';
import { docShot, openPages, PHONE, seriousViolations } from '../support/pages';
import { fillLegalPerson, next } from '../support/enterprise-pages';
import { eventually } from '../support/temporal-test-env';

/**
 * The enterprise's pages in Chromium (SPEC §4, §4.1, §13): 填写基本信息 with the licence's upload and OCR, 认证方式,
 * the method's information, 确认, then each of the five methods to its end, driven through the pages and the sandbox
 * phone; only a reviewer's decision goes through the API. Desktop size, but for one flow at phone size.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const reviewer = { token: KEYS.reviewer };

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const phone = (page: Page) => page.getByRole('complementary', { name: /沙箱手机|Sandbox phone/ });
const image = (name: string) => ({ name, mimeType: 'image/png', buffer: png() });

/** 填写基本信息: the licence photo (which the sandbox OCR reads as the enterprise), the address, the contact person. */
async function fillBasic(page: Page, e: EnterpriseFixture, licenseType: 'business_license' | 'non_business_license' = 'business_license') {
  if (licenseType === 'non_business_license') await page.getByRole('radio', { name: /非营业执照/ }).check();
  const licence = png();
  const sha = createHash('sha256').update(licence).digest('hex');
  expect((await api.put(`/sandbox/ocr/business-licenses/${sha}`, { enterpriseName: e.name, creditCode: e.code }, { token: null })).status).toBe(200);
  await page.getByLabel('证照照片').setInputFiles({ name: '营业执照.png', mimeType: 'image/png', buffer: licence });
  await page.getByText('已根据证照识别结果填写企业名称和统一社会信用代码').waitFor();
  expect(await page.getByLabel('企业名称').inputValue()).toBe(e.name);
  expect(await page.getByLabel(/^统一社会信用代码/).inputValue()).toBe(e.code);
  await page.getByLabel('所在地区').fill('北京市/海淀区');
  await page.getByLabel('详细地址').fill('中关村大街 1 号');
  await page.getByLabel('联系人姓名').fill('李联系');
  await page.getByLabel('联系人身份证号码').fill(mainlandId('1988-08-08'));
  await page.getByLabel('联系人手机号码').fill('139 1234 5678');
}

/** From the start page to the method's own step (or the confirmation, for a method that needs nothing more). */
async function toMethod(page: Page, e: EnterpriseFixture, method: RegExp, licenseType?: 'non_business_license') {
  await page.getByRole('link', { name: '开始企业认证' }).click();
  await fillBasic(page, e, licenseType);
  await next(page);
  await page.getByRole('radio', { name: method }).check();
  await next(page);
}

/** The public remittance's corporate account with the two ID photos (also the correction after a rejection). */
async function fillBankAccount(page: Page, accountNumber: string) {
  await page.getByLabel('对公银行账号').fill(accountNumber);
  await page.getByLabel('开户银行', { exact: true }).fill('中国工商银行');
  await page.getByLabel('开户行所在地').fill('北京市');
  await page.getByLabel('开户支行名称').fill('海淀支行');
  await page.getByLabel('法人手持身份证照片（国徽面）').setInputFiles(image('国徽面.png'));
  await page.getByLabel('法人手持身份证照片（人像面）').setInputFiles(image('人像面.png'));
  await page.getByText(/已上传：人像面\.png/).waitFor();
  await page.getByText(/已上传：国徽面\.png/).waitFor();
}

async function confirm(page: Page) {
  await page.getByRole('heading', { name: '请确认认证信息' }).waitFor();
  await page.getByRole('button', { name: '确认' }).click();
  await page.waitForURL(/#\/verification\/ver_/);
}

const verificationId = (page: Page) => decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
const done = (page: Page) => page.getByText('你已完成实名认证。').waitFor();

describe.skipIf(!hasChromium)('the enterprise’s pages in Chromium', () => {
  it('official account: required fields, a refused upload, OCR pre-fill, the five methods, 确认, the administrator’s QR, 认证完成', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const { page, accountId, errors } = await openPages(browser, baseUrl);
    await page.getByRole('link', { name: '开始企业认证' }).click();
    await page.getByRole('heading', { name: '填写基本信息' }).waitFor();
    await next(page);
    await page.getByText('请修改标出的内容后再提交。').waitFor();
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(8);
    // The bytes decide: a file that is no image is refused, in words, beside the field.
    await page.getByLabel('证照照片').setInputFiles({ name: 'licence.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await page.getByText('只能上传 JPG 或 PNG 图片。').waitFor();
    await page.getByLabel('证照照片').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
    await page.getByText('文件超过 5 MB，请压缩后重新上传。').waitFor();
    await fillBasic(page, e);
    await docShot(page, 'enterprise-form');
    expect(await seriousViolations(page)).toEqual([]);

    await next(page);
    await page.getByRole('radio', { name: /微信公众平台认证/ }).waitFor();
    expect(await page.getByRole('radio').count()).toBe(5);
    // A 91 code may use every method; the recommended one is chosen.
    await page.getByRole('radio', { name: /企业法人微信扫码 · 推荐/, checked: true }).waitFor();
    expect(await page.getByRole('radio', { disabled: true }).count()).toBe(0);
    await page.getByText('1–5 个工作日').waitFor();
    await docShot(page, 'enterprise-methods');
    await page.getByRole('radio', { name: /微信公众平台认证/ }).check();
    await next(page);
    await page.getByRole('heading', { name: '请确认认证信息' }).waitFor();
    const summary = await page.locator('main').textContent();
    expect(summary).toContain(e.name);
    expect(summary).toContain(e.code);
    expect(summary).toContain('+86 13912345678');
    await docShot(page, 'enterprise-confirm');
    await confirm(page);

    await page.getByText('请公众号管理员使用微信扫描二维码并授权').waitFor();
    expect((await page.locator('svg.qr').boundingBox())!.width).toBeGreaterThanOrEqual(160);
    expect(await seriousViolations(page)).toEqual([]);
    await docShot(page, 'enterprise-official-account');
    expect(await phone(page).getByLabel('公众号认证主体名称').inputValue()).toBe(e.name);
    await phone(page).getByRole('button', { name: '管理员扫码并授权' }).click();
    await done(page);
    await docShot(page, 'enterprise-done');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification).toMatchObject({ status: 'verified', subjectType: 'enterprise', method: 'wechat_official_account' });
    expect(errors).toEqual([]);
  });

  it('legal-person WeChat at phone size: the legal person’s own WeChat authorises', async () => {
    const e = enterprise('92');
    await register(baseUrl, e);
    const { page, errors } = await openPages(browser, baseUrl, { viewport: PHONE });
    await toMethod(page, e, /企业法人微信扫码/);
    await fillLegalPerson(page, e);
    await docShot(page, 'enterprise-legal-person');
    await next(page);
    await page.getByRole('heading', { name: '请确认认证信息' }).waitFor();
    await docShot(page, 'enterprise-confirm-phone');
    await confirm(page);
    await page.getByText('请企业法人使用本人微信扫描二维码').waitFor();
    await docShot(page, 'enterprise-legal-person-qr');
    // The phone is the legal person's.
    expect(await phone(page).getByLabel('实名姓名').inputValue()).toBe(e.legalPerson.name);
    await phone(page).getByRole('button', { name: '微信扫码并授权' }).click();
    await done(page);
    expect(errors).toEqual([]);
  });

  it('legal-person face with another registration certificate: WeChat is not offered (and why); three failed checks end FACE_MISMATCH', async () => {
    const e = enterprise('12');
    const { page, errors } = await openPages(browser, baseUrl);
    await page.getByRole('link', { name: '开始企业认证' }).click();
    await fillBasic(page, e, 'non_business_license');
    await next(page);
    const wechat = page.getByRole('radio', { name: /企业法人微信扫码/ });
    await wechat.waitFor();
    expect(await wechat.isDisabled()).toBe(true);
    await page.getByText('不可用: 仅适用于统一社会信用代码以 91 或 92 开头的企业和个体工商户').waitFor();
    await page.getByRole('radio', { name: /企业法人人脸识别/ }).check();
    await next(page);
    // An ID number the service refuses takes the person back to it, marked, with the reason in words.
    await fillLegalPerson(page, { ...e, legalPerson: { ...e.legalPerson, idNumber: `${e.legalPerson.idNumber.slice(0, 17)}${e.legalPerson.idNumber.endsWith('1') ? '2' : '1'}` } });
    await next(page);
    await page.getByRole('heading', { name: '请确认认证信息' }).waitFor();
    await page.getByRole('button', { name: '确认' }).click();
    await page.getByRole('alert').filter({ hasText: '证件号码无效' }).waitFor();
    expect(await page.getByLabel('法人身份证号码').getAttribute('aria-invalid')).toBe('true');
    await fillLegalPerson(page, e);
    await next(page);
    await confirm(page);
    await page.getByText('请企业法人使用微信扫描二维码，进入小程序完成人脸识别').waitFor();
    for (const left of [2, 1]) {
      await phone(page).getByRole('button', { name: '人脸识别未通过' }).click();
      await page.getByText(`还有 ${left} 次机会`).waitFor();
    }
    await phone(page).getByRole('button', { name: '人脸识别未通过' }).click();
    await page.getByText('人脸识别 3 次未通过。').waitFor();
    await docShot(page, 'enterprise-failed');
    expect(errors).toEqual([]);
  });

  it('recharge: the paying account in the enterprise’s name, the dedicated collection account, the exact amount remitted from the phone', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const { page, accountId, errors } = await openPages(browser, baseUrl);
    await toMethod(page, e, /充值认证/);
    // The account name starts as the enterprise's, and must stay it.
    expect(await page.getByLabel('付款账户名称').inputValue()).toBe(e.name);
    await page.getByLabel('付款账户名称').fill('北京别的有限公司');
    await page.getByLabel('付款账号').fill(bankAccountNumber());
    await page.getByLabel('开户银行').fill('中国工商银行');
    await next(page);
    await page.getByText('付款账户名称必须与企业名称一致。').waitFor();
    await page.getByLabel('付款账户名称').fill(e.name);
    await next(page);
    await confirm(page);

    await page.getByRole('heading', { name: '请向专属收款账户转账' }).waitFor();
    expect(await page.getByRole('button', { name: /复制/ }).count()).toBe(4);
    const asked = (await api.get(`/v1/verifications/${verificationId(page)}`)).body.nextAction;
    expect(await phone(page).getByLabel('转账金额（元）').inputValue()).toBe(asked.amount);
    await docShot(page, 'enterprise-recharge');
    await phone(page).getByRole('button', { name: '从付款账户转账' }).click();
    await done(page);
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification).toMatchObject({ status: 'verified', method: 'recharge' });
    expect(errors).toEqual([]);
  });

  it('public remittance: the handler’s face, a rejection corrected and resubmitted, the approval, the payout read off the statement, the amount entered', { timeout: 150_000 }, async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const { page, errors } = await openPages(browser, baseUrl);
    await toMethod(page, e, /对公打款/);
    await fillLegalPerson(page, e);
    await fillBankAccount(page, bankAccountNumber());
    await page.getByLabel('经办人姓名').fill('赵经办');
    await page.getByLabel('经办人身份证号码').fill(mainlandId('1990-09-09'));
    await docShot(page, 'enterprise-remittance-form');
    await next(page);
    await confirm(page);
    const id = verificationId(page);

    await page.getByText('请经办人扫描二维码完成人脸识别').waitFor();
    await phone(page).getByRole('button', { name: '人脸识别通过' }).click();
    await page.getByRole('heading', { name: '资料审核中' }).waitFor();
    await docShot(page, 'enterprise-review');
    const firstReview = (await api.get(`/v1/verifications/${id}`)).body.nextAction.reviewId as string;
    const rejected = await api.post(`/v1/reviews/${firstReview}/decision`, { decision: 'reject', reason: '手持身份证照片不清晰' }, reviewer);
    expect(rejected.status).toBe(200);

    // The reason, and the corrections: a new corporate account with new photos.
    await page.getByRole('heading', { name: '请修改资料后重新提交' }).waitFor();
    await page.getByText('审核未通过，原因： 手持身份证照片不清晰').waitFor();
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('请至少选择一项要修改的资料。').waitFor();
    await page.getByLabel(/修改对公账户信息/).check();
    const corrected = bankAccountNumber();
    await fillBankAccount(page, corrected);
    await docShot(page, 'enterprise-resubmit');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('heading', { name: '资料审核中' }).waitFor();
    const secondReview = await eventually(async () => {
      const v = (await api.get(`/v1/verifications/${id}`)).body;
      expect(v.nextAction).toMatchObject({ type: 'await_review', reviewId: expect.not.stringMatching(firstReview) });
      return v.nextAction.reviewId as string;
    });
    expect((await api.post(`/v1/reviews/${secondReview}/decision`, { decision: 'approve' }, reviewer)).status).toBe(200);

    // The payout settles (SANDBOX_PAYOUT_DELAY is short here); the corrected account's statement shows its amount.
    await page.getByRole('heading', { name: '请填写收到的打款金额' }).waitFor({ timeout: 30_000 });
    const received = phone(page).getByText(/收到 \d+\.\d\d 元/);
    await received.waitFor({ timeout: 10_000 });
    const amount = /收到 (\d+\.\d\d) 元/.exec((await received.textContent())!)![1]!;
    await docShot(page, 'enterprise-amount');
    await page.getByLabel('打款金额（元）').fill(otherAmount(amount));
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('金额不正确，还有 1 次机会。').waitFor();
    await page.getByLabel('打款金额（元）').fill(amount);
    await page.getByRole('button', { name: '提交' }).click();
    await done(page);
    const statement = (await api.get(`/sandbox/bank/accounts/${corrected}/statement`, { token: null })).body.items;
    expect(statement).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
