import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../../domain/credit-code';
import { fenToYuan, parseYuan } from '../../domain/money';
import { organizationCodeCheckChar } from '../../domain/enterprise';
import { uploadFile } from '../../scripts/lib/files';
import { http, mainlandId } from './http';

/** A valid unified social credit code (GB 32100 check character) starting with `prefix` (91: a company). */
export function creditCode(prefix = '91'): string {
  let body = `${prefix}110105`;
  while (body.length < 17) body += CREDIT_CODE_ALPHABET[randomInt(0, CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckChar(body);
}

/** A valid organisation code (GB 11714 check character), hyphenated as printed when `printed`: `D2143569-X`. */
export function organizationCode(printed = false): string {
  let body = '';
  while (body.length < 8) body += ORGANIZATION_CODE_CHARS[randomInt(0, ORGANIZATION_CODE_CHARS.length)];
  return `${body}${printed ? '-' : ''}${organizationCodeCheckChar(body)}`;
}
const ORGANIZATION_CODE_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An old 15-digit business registration number. */
export const registrationNumber = () => `110108${String(randomInt(0, 1e9)).padStart(9, '0')}`;

/** A corporate bank account number; `refused` makes the sandbox bank refuse payouts to it (ends 0000). */
export const bankAccountNumber = (refused = false) => `6222${String(randomInt(0, 1e8)).padStart(8, '0')}${refused ? '0000' : String(randomInt(1000, 9999))}`;

export interface EnterpriseFixture {
  name: string;
  code: string;
  legalPerson: { name: string; idNumber: string };
  /** The contact person's mobile: one of its own per fixture, so reviews' contact_mobile signals match only on purpose. */
  contactMobile?: string;
}

export function enterprise(prefix = '91'): EnterpriseFixture {
  const n = randomInt(1e5, 1e6);
  return { name: `北京测试${n}科技有限公司`, code: creditCode(prefix), legalPerson: { name: '王法人', idNumber: mainlandId('1975-05-05') }, contactMobile: `+86139${randomInt(1e7, 1e8)}` };
}

/** Puts the enterprise in the sandbox business registry, as the registry would know it. */
export async function register(baseUrl: string, e: EnterpriseFixture, overrides: { name?: string; legalRepresentative?: { name: string; idNumber: string }; formerCodes?: string[] } = {}) {
  const res = await http(baseUrl).put(`/sandbox/registry/enterprises/${e.code}`, {
    name: overrides.name ?? e.name,
    legalRepresentative: overrides.legalRepresentative ?? e.legalPerson,
    status: '存续',
    ...(overrides.formerCodes ? { formerCodes: overrides.formerCodes } : {}),
  }, { token: null });
  if (res.status !== 200) throw new Error(`registry PUT failed: ${JSON.stringify(res.body)}`);
}

export interface EnterpriseBodyOptions {
  licenseType?: string;
  payerName?: string;
  payerAccount?: string;
  bankAccount?: string;
  licenseSha?: (sha: string) => Promise<void>;
  /** The contact person and the handler (fixed ones otherwise). */
  contact?: { name: string; idNumber: string; mobile: string };
  handler?: { name: string; idNumber: string };
  /** The bytes uploaded for each file the method needs (a fresh PNG otherwise). */
  file?: (purpose: string) => Buffer;
}

/** A start-verification body for an enterprise method, uploading the files it needs first. */
export async function enterpriseBody(baseUrl: string, accountId: string, method: string, e: EnterpriseFixture, options: EnterpriseBodyOptions = {}) {
  const upload = (purpose: string) => uploadFile(baseUrl, accountId, purpose, options.file?.(purpose));
  const license = await upload('business_license');
  await options.licenseSha?.(license.sha256);
  const body: Record<string, unknown> = {
    subjectType: 'enterprise',
    method,
    enterprise: {
      licenseType: options.licenseType ?? 'business_license',
      licenseUploadId: license.id,
      name: e.name,
      creditCode: e.code,
      address: { region: '北京市/海淀区', detail: '中关村大街 1 号' },
      contact: options.contact ?? { name: '李联系', idNumber: mainlandId('1988-08-08'), mobile: e.contactMobile ?? '+8613912345678' },
    },
  };
  if (method.startsWith('legal_person') || method === 'public_remittance') body.legalPerson = e.legalPerson;
  if (method === 'recharge') body.payerAccount = { accountName: options.payerName ?? e.name, accountNumber: options.payerAccount ?? bankAccountNumber(), bankName: '中国工商银行' };
  if (method === 'public_remittance') {
    const [emblem, portrait] = await Promise.all([upload('id_photo_emblem'), upload('id_photo_portrait')]);
    body.bankAccount = {
      accountNumber: options.bankAccount ?? bankAccountNumber(),
      bankName: '中国工商银行',
      bankLocation: '北京市',
      branchName: '海淀支行',
      idPhotoEmblemUploadId: emblem.id,
      idPhotoPortraitUploadId: portrait.id,
    };
    body.handler = options.handler ?? { name: '赵经办', idNumber: mainlandId('1990-09-09') };
  }
  return body;
}

/**
 * A public remittance started for a (registered) enterprise and taken through the
 * handler's face recognition: its materials wait in review. Returns the
 * verification as GET shows it then (`nextAction.reviewId`).
 */
export async function remittanceInReview(baseUrl: string, accountId: string, e: EnterpriseFixture, options: EnterpriseBodyOptions = {}) {
  const api = http(baseUrl);
  const started = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'public_remittance', e, options));
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  expect(started.body).toMatchObject({ step: 'awaiting_handler_face', nextAction: { provider: 'face', purpose: 'handler' } });
  await api.post('/sandbox/face/results', { ticket: started.body.nextAction.ticket, passed: true }, { token: null });
  const inReview = (await api.get(`/v1/verifications/${started.body.id}`)).body;
  expect(inReview).toMatchObject({ step: 'awaiting_review', nextAction: { type: 'await_review', reviewId: expect.stringMatching(/^rev_/) }, reviewId: expect.stringMatching(/^rev_/) });
  return inReview;
}

/** What a recharge verification asks for: the amount, and the collection account it was opened for alone. */
export interface RechargeAsked {
  id: string;
  accountId: string;
  enterprise: EnterpriseFixture;
  /** The paying corporate account the enterprise confirmed. */
  payer: string;
  amount: string;
  payee: { accountName: string; accountNumber: string; bankName: string };
}

/** A recharge started for a (registered) enterprise on a fresh account, waiting for its transfer. */
export async function startRecharge(baseUrl: string, label = 'rc', options: { payer?: string } = {}): Promise<RechargeAsked> {
  const e = enterprise();
  await register(baseUrl, e);
  const payer = options.payer ?? bankAccountNumber();
  const accountId = `${label}-${randomInt(1e9, 1e10).toString(36)}`;
  const started = await http(baseUrl).post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'recharge', e, { payerAccount: payer }));
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const { amount, payee } = started.body.nextAction as Pick<RechargeAsked, 'amount' | 'payee'>;
  return { id: started.body.id as string, accountId, enterprise: e, payer, amount, payee };
}

/** Money the payer sends to the platform through the sandbox bank (in the enterprise's name unless `fromName`). */
export const remit = (baseUrl: string, r: RechargeAsked, amount: string, options: { from?: string; fromName?: string; to?: string } = {}) =>
  http(baseUrl).post(
    '/sandbox/bank/transfers',
    { fromAccountNumber: options.from ?? r.payer, fromAccountName: options.fromName ?? r.enterprise.name, toAccountNumber: options.to ?? r.payee.accountNumber, amount },
    { token: null },
  );

/** A different amount below one yuan. */
export const otherAmount = (amount: string) => fenToYuan(parseYuan(amount)! === 99 ? 98 : parseYuan(amount)! + 1);
