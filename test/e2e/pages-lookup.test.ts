import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifiedIndividual } from '../support/changes';
import { hasChromium, launch } from '../support/console-fixtures';
import { mainlandId, uniqueAccount } from '../support/http';
import { docShot, openPages, seriousViolations } from '../support/pages';

/** 找回账号 in Chromium (SPEC §12, §13): a face check through the sandbox phone, then the accounts of that identity. */
const baseUrl = inject('baseUrl');

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!hasChromium)('find my accounts in the pages', () => {
  it('lists the accounts verified with the identity once the face check passes; a failed check lists nothing', async () => {
    const person = { realName: '孙悟空', idNumber: mainlandId('1983-03-03') };
    const verifiedAccount = uniqueAccount('found');
    await verifiedIndividual(baseUrl, verifiedAccount, person);

    const { page, errors } = await openPages(browser, baseUrl);
    await page.getByRole('link', { name: '找回账号' }).click();
    await page.getByLabel('真实姓名').fill(person.realName);
    await page.getByLabel('证件号码').fill(person.idNumber);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '开始查询' }).click();
    await page.locator('svg.qr').waitFor();
    await docShot(page, 'lookup-face');
    await page.getByRole('complementary', { name: '沙箱手机' }).getByRole('button', { name: '人脸识别通过' }).click();
    await page.getByRole('heading', { name: '以该身份认证的账号' }).waitFor();
    expect(await page.locator('ul.found').textContent()).toContain(verifiedAccount);
    await docShot(page, 'lookup-found');

    await page.getByRole('link', { name: '再次查询' }).click();
    await page.getByLabel('真实姓名').fill(person.realName);
    await page.getByLabel('证件号码').fill(person.idNumber);
    await page.getByRole('button', { name: '开始查询' }).click();
    const phone = page.getByRole('complementary', { name: '沙箱手机' });
    for (let i = 0; i < 3; i++) {
      await phone.getByRole('button', { name: '人脸识别未通过' }).waitFor();
      await page.getByText(`还有 ${3 - i} 次机会`).waitFor();
      await phone.getByRole('button', { name: '人脸识别未通过' }).click();
    }
    await page.getByText('查询未成功').waitFor();
    expect(await page.locator('main').textContent()).not.toContain(verifiedAccount);
    expect(errors).toEqual([]);
  });
});
