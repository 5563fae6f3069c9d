import type { Page } from 'playwright-core';
import { png } from '../../scripts/lib/files';
import type { EnterpriseFixture } from './enterprise';
import { mainlandId } from './http';

/** Steps of the applicant's enterprise forms in Chromium, shared by the enterprise and change-of-subject page tests. */

export const label = (page: Page, text: string) => page.getByLabel(text, { exact: true });

/** The QR for `instruction` is shown; the sandbox phone passes its face check. */
export async function passFace(page: Page, instruction: string) {
  await page.getByRole('heading', { name: instruction }).waitFor();
  await page.getByRole('button', { name: '人脸识别通过' }).click();
}

export async function upload(page: Page, field: string, buffer: Buffer, name = `${field}.png`) {
  await label(page, field).setInputFiles({ name, mimeType: name.endsWith('.pdf') ? 'application/pdf' : 'image/png', buffer });
  await page.locator('.upload-status', { hasText: name }).waitFor();
}

export async function fillEnterprise(page: Page, e: EnterpriseFixture, withNameAndCode = true) {
  await upload(page, '证照照片', png(), 'licence.png');
  if (withNameAndCode) {
    await label(page, '企业名称').fill(e.name);
    await label(page, '统一社会信用代码').fill(e.code);
  }
  await label(page, '所在地区').fill('上海市/浦东新区');
  await label(page, '详细地址').fill('世纪大道 1 号');
  await label(page, '联系人姓名').fill('李联系');
  await label(page, '联系人身份证号码').fill(mainlandId('1988-08-08'));
  await label(page, '联系人手机号码').fill('+8613912345678');
}

export const next = (page: Page) => page.getByRole('button', { name: '下一步' }).click();

/** From the basic information to the confirmation: the method, then its information (`fill`). */
export async function chooseMethod(page: Page, method: RegExp, fill: () => Promise<void>) {
  await next(page);
  await page.getByRole('radio', { name: method }).check();
  await next(page);
  await fill();
  await next(page);
  await page.getByRole('heading', { name: '请确认认证信息' }).waitFor();
}

export async function fillLegalPerson(page: Page, e: EnterpriseFixture) {
  await label(page, '法人姓名').fill(e.legalPerson.name);
  await label(page, '法人身份证号码').fill(e.legalPerson.idNumber);
}

export const chooseLegalPersonFace = (page: Page, e: EnterpriseFixture) => chooseMethod(page, /企业法人人脸识别/, () => fillLegalPerson(page, e));
