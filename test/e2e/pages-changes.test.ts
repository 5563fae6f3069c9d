import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { png } from '../../scripts/lib/files';
import { enterprise, firstApproval, getChange, newSubjectBody, register, requestChange, untilTime, verifiedEnterprise, verifiedIndividual } from '../support/changes';
import { hasChromium, launch } from '../support/console-fixtures';
import { bankAccountNumber } from '../support/enterprise';
import { http, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { docShot, fillIndividual, openPages, seriousViolations } from '../support/pages';
import { chooseLegalPersonFace, chooseMethod, fillEnterprise, label, passFace, upload } from '../support/enterprise-pages';

/**
 * The change-of-subject pages (SPEC §5, §13) in Chromium at desktop size: each of the five types requested through its
 * form and driven to its end through the change's live page and the sandbox phone; a revocation; the cooling-off
 * shown with its date. Only what no applicant can do in the pages goes through the API: setting up the verified
 * accounts and the business registry, and the reviewer's decisions.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

let browser: Browser;
async function verifiedEnterpriseAccount() {
  const accountId = uniqueAccount('pgchg');
  return { accountId, enterprise: (await verifiedEnterprise(baseUrl, accountId)).enterprise };
}
/** Enterprise accounts verified up front, so the stack's 8 s cooling-off runs out while the first tests run. */
let enterprises: ReturnType<typeof threeEnterprises>;
const threeEnterprises = () => Promise.all([verifiedEnterpriseAccount(), verifiedEnterpriseAccount(), verifiedEnterpriseAccount()]);

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await launch();
  enterprises = threeEnterprises();
  await enterprises;
});
afterAll(async () => {
  await browser?.close();
});

/** Waits until the account may request `type` (its changeOptions' allowedFrom). */
async function untilAllowed(accountId: string, type: string, wait = true) {
  const account = (await api.get(`/v1/accounts/${accountId}`)).body as { changeOptions: { type: string; allowedFrom: string | null }[] };
  const allowedFrom = account.changeOptions.find((o) => o.type === type)?.allowedFrom;
  if (allowedFrom && wait) await untilTime(allowedFrom);
  return allowedFrom;
}

const done = (page: Page, text: string) => page.locator('.notice.success', { hasText: text }).waitFor();
const decide = (reviewId: string, decision: 'approve' | 'reject', reason?: string) => api.post(`/v1/reviews/${reviewId}/decision`, { decision, ...(reason ? { reason } : {}) }, { token: KEYS.reviewer });

/** A verified individual's account and a registered enterprise for it to become, its pages open at that change's form. */
async function toEnterpriseForm() {
  const accountId = uniqueAccount('pgchg');
  await verifiedIndividual(baseUrl, accountId);
  const e = enterprise();
  await register(baseUrl, e);
  const { page, errors } = await openPages(browser, baseUrl, { accountId });
  await page.getByRole('link', { name: '个人认证变更为企业认证' }).click();
  return { accountId, e, page, errors };
}

describe.skipIf(!hasChromium)('the change-of-subject pages in Chromium', () => {
  it('individual → enterprise: agreement and enterprise, method → holder’s face → the enterprise’s verification → switched', async () => {
    const { accountId, e, page, errors } = await toEnterpriseForm();
    await page.getByRole('heading', { name: '认证主体变更协议' }).waitFor();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByText('请先阅读并同意变更协议。').waitFor();
    await page.getByLabel('我已阅读并同意《认证主体变更协议》').check();
    await fillEnterprise(page, e);
    expect(await seriousViolations(page)).toEqual([]);
    await docShot(page, 'change-individual-to-enterprise-form');
    await chooseLegalPersonFace(page, e);
    await docShot(page, 'change-individual-to-enterprise-confirm');
    await page.getByRole('button', { name: '确认' }).click();

    await page.getByText(/变更申请有效期至 .*北京时间/).waitFor();
    await passFace(page, '请当前认证人（企业为变更前的法定代表人）扫描二维码完成人脸识别');
    await passFace(page, '请企业法人使用微信扫描二维码，进入小程序完成人脸识别');
    await done(page, '账号已变更为企业认证。');
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account.verification).toMatchObject({ subjectType: 'enterprise', subject: { name: e.name, creditCode: e.code } });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('individual → enterprise by recharge: the paying account → holder’s face → the dedicated collection account, the exact amount remitted → switched', async () => {
    const { accountId, e, page, errors } = await toEnterpriseForm();
    await page.getByLabel('我已阅读并同意《认证主体变更协议》').check();
    await fillEnterprise(page, e);
    await chooseMethod(page, /充值认证/, async () => {
      expect(await label(page, '付款账户名称').inputValue()).toBe(e.name);
      await label(page, '付款账号').fill(bankAccountNumber());
      await label(page, '开户银行').fill('中国工商银行');
    });
    await page.getByRole('button', { name: '确认' }).click();

    await passFace(page, '请当前认证人（企业为变更前的法定代表人）扫描二维码完成人脸识别');
    await page.getByRole('heading', { name: '请向专属收款账户转账' }).waitFor();
    const changeId = decodeURIComponent(page.url().split('/').pop()!);
    const asked = (await getChange(baseUrl, changeId)).nextAction;
    expect(asked).toMatchObject({ type: 'remit', payee: { accountNumber: expect.any(String) } });
    expect(await page.locator('main').textContent()).toContain(asked.payee.accountNumber);
    const phone = page.getByRole('complementary', { name: /沙箱手机/ });
    expect(await phone.getByLabel('转账金额（元）').inputValue()).toBe(asked.amount);
    await docShot(page, 'change-individual-to-enterprise-recharge');
    await phone.getByRole('button', { name: '从付款账户转账' }).click();
    await done(page, '账号已变更为企业认证。');
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account.verification).toMatchObject({ subjectType: 'enterprise', method: 'recharge', subject: { name: e.name, creditCode: e.code } });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('individual → individual: refused with its date while cooling off, then holder’s face → the new person’s → switched', async () => {
    const accountId = uniqueAccount('pgchg');
    await verifiedIndividual(baseUrl, accountId);
    const { page, errors } = await openPages(browser, baseUrl, { accountId });
    // The stack's cooling-off is 8 s (CHANGE_COOLDOWN): on a loaded machine it may be over before the page shows it or
    // before the request arrives. Whatever the page shows must then fit the time: the notice while it lasts, and either
    // the refusal with its date or, once it is over, the change.
    const allowedFrom = Date.parse((await untilAllowed(accountId, 'individual_to_individual', false))!);
    await page.evaluate("location.hash = '#/new-change/individual_to_individual'");
    const notice = page.locator('.notice', { hasText: /起可申请/ });
    const noticed = await notice.waitFor({ timeout: Math.max(allowedFrom - Date.now(), 1) }).then(
      () => true,
      () => false,
    );
    if (!noticed) expect(Date.now(), 'no cooling-off notice while it lasted').toBeGreaterThanOrEqual(allowedFrom - 1000);
    const newPerson = { realName: '李四', idNumber: mainlandId('1992-02-02') };
    await fillIndividual(page, newPerson);
    await page.getByLabel('我已阅读并同意《认证主体变更协议》').check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '确认' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: '起可申请' });
    const opened = page.getByText(/变更申请有效期至 .*北京时间/);
    await refusal.or(opened).first().waitFor();
    if (await refusal.isVisible()) {
      expect(await refusal.textContent()).toContain('北京时间');
      await docShot(page, 'change-cooldown');
      await untilAllowed(accountId, 'individual_to_individual');
      await page.getByRole('button', { name: '确认' }).click();
    } else {
      expect(Date.now(), 'a change accepted before its cooling-off was over').toBeGreaterThanOrEqual(allowedFrom);
    }
    await passFace(page, '请当前认证人（企业为变更前的法定代表人）扫描二维码完成人脸识别');
    await passFace(page, '请新的认证人扫描二维码完成人脸识别');
    await done(page, '账号已归属新的认证人。');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.realName).toBe('李四');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('enterprise entity change: former legal person’s face → materials → rejected, resubmitted → approved → the new enterprise → switched', async () => {
    const [{ accountId, enterprise: a }] = await enterprises;
    const b = enterprise();
    await untilAllowed(accountId, 'enterprise_entity_change');
    const { page, errors } = await openPages(browser, baseUrl, { accountId });
    await page.getByRole('link', { name: '变更企业主体' }).click();
    await label(page, '法人姓名').fill(a.legalPerson.name);
    await label(page, '法人身份证号码').fill(a.legalPerson.idNumber);
    await label(page, '企业名称').fill(b.name);
    await label(page, '统一社会信用代码').fill(b.code);
    await label(page, '所在地区').fill('上海市/浦东新区');
    await label(page, '详细地址').fill('世纪大道 1 号');
    await page.getByLabel('我已阅读并同意《认证主体变更协议》').check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '确认' }).click();
    await passFace(page, '请当前认证人（企业为变更前的法定代表人）扫描二维码完成人脸识别');

    const uploadAll = async (deregistered: boolean) => {
      await page.getByRole('heading', { name: '提交变更资料' }).waitFor();
      await upload(page, '变更申请表', PDF, 'form.pdf');
      if (deregistered) await page.getByLabel(/原企业已注销/).check();
      await upload(page, deregistered ? '原企业注销证明' : '当前营业执照', png());
      await upload(page, '法人手持身份证照片（国徽面）', png());
      await upload(page, '法人手持身份证照片（人像面）', png());
    };
    await uploadAll(false);
    await docShot(page, 'change-entity-materials');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('heading', { name: '资料审核中' }).waitFor();
    const first = await getChange(baseUrl, page.url().split('/').pop()!);
    expect((await decide(first.reviewId, 'reject', '变更申请表未盖章')).status).toBe(200);
    await page.getByRole('alert').filter({ hasText: /审核未通过.*变更申请表未盖章/ }).waitFor();
    await docShot(page, 'change-entity-rejected');

    await uploadAll(true);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('heading', { name: '资料审核中' }).waitFor();
    const second = await getChange(baseUrl, first.id);
    expect(second.reviewId).not.toBe(first.reviewId);
    await firstApproval(baseUrl, second.reviewId);
    expect((await decide(second.reviewId, 'approve')).status).toBe(200);

    await page.getByRole('heading', { name: '填写新企业的认证信息' }).waitFor();
    expect(await label(page, '企业名称').inputValue()).toBe(b.name);
    expect(await label(page, '统一社会信用代码').inputValue()).toBe(b.code);
    await register(baseUrl, b);
    await fillEnterprise(page, b, false);
    await docShot(page, 'change-entity-new-subject');
    await chooseLegalPersonFace(page, b);
    await page.getByRole('button', { name: '确认' }).click();
    await passFace(page, '请企业法人使用微信扫描二维码，进入小程序完成人脸识别');
    await done(page, '账号已归属新的企业。');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject).toMatchObject({ name: b.name, creditCode: b.code });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('enterprise name change: updated at once when the business registry confirms the new name', async () => {
    const [, { accountId, enterprise: e }] = await enterprises;
    const newName = `${e.name.slice(0, -6)}新名称有限公司`;
    await register(baseUrl, e, { name: newName });
    await untilAllowed(accountId, 'enterprise_name_change');
    const { page, errors } = await openPages(browser, baseUrl, { accountId });
    await page.getByRole('link', { name: '企业名称变更' }).click();
    await label(page, '变更后的企业名称').fill(newName);
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '确认' }).click();
    await done(page, '企业名称已更新。');
    await docShot(page, 'change-name-done');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.name).toBe(newName);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('legal representative update by WeChat: the phone plays the new legal person → updated', async () => {
    const [, , { accountId, enterprise: e }] = await enterprises;
    const newLegalPerson = { name: '孙新法人', idNumber: mainlandId('1980-10-10') };
    await register(baseUrl, e, { legalRepresentative: newLegalPerson });
    await untilAllowed(accountId, 'legal_representative_update');
    const { page, errors } = await openPages(browser, baseUrl, { accountId });
    await page.getByRole('link', { name: '法定代表人变更' }).click();
    await label(page, '法人姓名').fill(newLegalPerson.name);
    await label(page, '法人身份证号码').fill(newLegalPerson.idNumber);
    await page.getByRole('radio', { name: '微信扫码' }).check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '确认' }).click();
    await page.getByRole('heading', { name: '请新的认证人扫描二维码完成认证' }).waitFor();
    expect(await label(page, '实名姓名').inputValue()).toBe(newLegalPerson.name);
    expect(await label(page, '实名证件号码').inputValue()).toBe(newLegalPerson.idNumber);
    await docShot(page, 'change-legal-representative-qr');
    await page.getByRole('button', { name: '微信扫码并授权' }).click();
    await done(page, '法定代表人已更新。');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.legalPerson.name).toBe(newLegalPerson.name);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('revokes an open change from its page: the subject stays the individual', async () => {
    const accountId = uniqueAccount('pgchg');
    const holder = await verifiedIndividual(baseUrl, accountId);
    const body = await newSubjectBody(baseUrl, accountId, 'legal_person_face', enterprise());
    const change = await requestChange(baseUrl, accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...body });
    const { page, errors } = await openPages(browser, baseUrl, { accountId });
    await page.getByRole('link', { name: '继续' }).click();
    await page.getByRole('button', { name: '撤销变更申请' }).click();
    await page.getByRole('group', { name: /确定撤销这次变更吗/ }).getByRole('button', { name: '撤销变更申请' }).click();
    await page.getByText('变更申请已撤销，认证主体保持不变。').waitFor();
    await docShot(page, 'change-revoked');
    expect((await getChange(baseUrl, change.id)).status).toBe('revoked');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.realName).toBe(holder.realName);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
