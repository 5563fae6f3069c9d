import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../platform/tools';
import { enterpriseBody, type EnterpriseFixture } from './enterprise';
import { uploadFile } from '../../scripts/lib/files';
import { http, KEYS } from './http';
import { eventually } from './temporal-test-env';

/**
 * For the console's browser tests: Debian's Chromium driven by playwright-core (Playwright's own browser download
 * cannot run here), screenshots kept under test-artifacts/ (git-ignored), and materials that look like the papers a
 * reviewer reads, drawn by the same browser (PNG screenshots, a PDF from page.pdf()).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'console');

export function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });

export async function staffToken(baseUrl: string, role: 'reviewer' | 'admin', name: string) {
  const res = await http(baseUrl).post('/v1/admin/staff-tokens', { role, name, ttlSeconds: 900 }, { token: KEYS.admin });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.token as string;
}

const PAPER = `body{margin:0;font-family:"Noto Sans CJK SC",sans-serif}#paper{display:inline-block;padding:28px 36px;background:#fffdf6;color:#222;border:6px double #b8860b}
h1{margin:0 0 16px;text-align:center;letter-spacing:.3em;color:#a31515;font-size:34px}dl{display:grid;grid-template-columns:max-content 1fr;gap:8px 18px;margin:0;font-size:17px}
dt{color:#555}dd{margin:0}.seal{width:110px;height:110px;border:4px solid #c8102e;border-radius:50%;color:#c8102e;display:flex;align-items:center;justify-content:center;font-size:15px;text-align:center;float:right;margin:0 0 0 20px;transform:rotate(-12deg)}`;

const paperHtml = (title: string, rows: [string, string][], seal?: string) =>
  `<style>${PAPER}</style><div id="paper">${seal ? `<div class="seal">${seal}</div>` : ''}<h1>${title}</h1><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></div>`;

/** One "paper" as a PNG: the browser draws it and screenshots the element. */
export async function paperPng(browser: Browser, title: string, rows: [string, string][], seal?: string): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  try {
    await page.setContent(paperHtml(title, rows, seal));
    return await page.locator('#paper').screenshot({ type: 'png' });
  } finally {
    await page.close();
  }
}

/** The same as a one-page PDF (an application form). */
export async function paperPdf(browser: Browser, title: string, rows: [string, string][], seal?: string): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    await page.setContent(paperHtml(title, rows, seal));
    return await page.pdf({ format: 'A5', printBackground: true });
  } finally {
    await page.close();
  }
}

const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;

/**
 * A public remittance taken through the handler's face check, so its materials wait in review, with a licence and ID
 * photos a reviewer can read (remittanceInReview in enterprise.ts, with these uploads in place of 1×1 images).
 */
export async function remittanceWithPapers(baseUrl: string, browser: Browser, accountId: string, e: EnterpriseFixture) {
  const api = http(baseUrl);
  const body = (await enterpriseBody(baseUrl, accountId, 'public_remittance', e)) as Record<string, any>;
  const upload = async (purpose: string, png: Buffer) => (await uploadFile(baseUrl, accountId, purpose, png)).id;
  body.enterprise.licenseUploadId = await upload(
    'business_license',
    await paperPng(browser, '营业执照', [['名称', e.name], ['统一社会信用代码', e.code], ['类型', '有限责任公司'], ['法定代表人', e.legalPerson.name], ['住所', '北京市海淀区中关村大街 1 号']], '北京市<br>市场监督<br>管理局'),
  );
  body.bankAccount.idPhotoEmblemUploadId = await upload('id_photo_emblem', await paperPng(browser, '居民身份证', [['', '中华人民共和国'], ['签发机关', '北京市公安局海淀分局'], ['有效期限', '2015.05.05-2035.05.05']]));
  body.bankAccount.idPhotoPortraitUploadId = await upload(
    'id_photo_portrait',
    await paperPng(browser, '居民身份证', [['姓名', e.legalPerson.name], ['性别', '男'], ['出生', '1975 年 5 月 5 日'], ['公民身份号码', masked(e.legalPerson.idNumber)]]),
  );
  const started = await api.post(`/v1/accounts/${accountId}/verifications`, body);
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const face = await api.post('/sandbox/face/results', { ticket: started.body.nextAction.ticket, passed: true }, { token: null });
  expect(face.status, JSON.stringify(face.body)).toBe(202);
  return eventually(async () => {
    const inReview = (await api.get(`/v1/verifications/${started.body.id}`)).body;
    expect(inReview, JSON.stringify(inReview)).toMatchObject({ step: 'awaiting_review', reviewId: expect.stringMatching(/^rev_/) });
    return inReview as { id: string; reviewId: string };
  }, { timeoutMs: 30_000, intervalMs: 200 });
}
