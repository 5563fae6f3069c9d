import { describe, expect, inject, it } from 'vitest';
import { addBusinessDays } from '../../domain/business-days';
import { fenToYuan, parseYuan } from '../../domain/money';
import { bankAccountNumber, enterprise, enterpriseBody, register, remittanceInReview, type EnterpriseFixture } from '../support/enterprise';
import { historyWithoutCodec } from '../support/history';
import { http, KEYS, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const sandbox = (path: string, body: unknown) => api.post(path, body, { token: null });
const get = async (id: string, token?: string) => (await api.get(`/v1/verifications/${id}`, token ? { token } : {})).body;
/** Every money test ends here: payouts once, to the account named, as the bank's statements show. */
const reconciled = (accountId: string, bankAccounts: string[] = []) => expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [accountId], bankAccounts });

async function start(accountId: string, method: string, e: EnterpriseFixture, options: Parameters<typeof enterpriseBody>[4] = {}) {
  const res = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, method, e, options));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function refused(accountId: string, method: string, e: EnterpriseFixture, options: Parameters<typeof enterpriseBody>[4] = {}) {
  return api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, method, e, options));
}

describe('WeChat Official Account', () => {
  it('verifies when the certified name is the enterprise’s; the account becomes enterprise-verified', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('oa');
    const v = await start(accountId, 'wechat_official_account', e, {
      licenseSha: async (sha) => {
        await api.put(`/sandbox/ocr/business-licenses/${sha}`, { enterpriseName: e.name, creditCode: e.code }, { token: null });
      },
    });
    expect(v).toMatchObject({ subjectType: 'enterprise', status: 'in_progress', step: 'awaiting_scan', nextAction: { provider: 'wechat', purpose: 'official_account' } });
    // Masked personal data, the OCR reading kept beside the submitted values.
    expect(v.subject).toMatchObject({ name: e.name, creditCode: e.code, contact: { mobile: `139****${e.contactMobile!.slice(-4)}` }, ocr: { enterpriseName: e.name, creditCode: e.code } });
    expect(v.subject.contact.idNumber).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);

    const scan = await sandbox('/sandbox/wechat/official-account-scans', { ticket: v.nextAction.ticket, certified: true, enterpriseName: e.name });
    expect(scan.body).toMatchObject({ delivered: true, processed: true });
    expect(await get(v.id)).toMatchObject({ status: 'verified' });
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({
      verification: { status: 'verified', subjectType: 'enterprise', method: 'wechat_official_account' },
      capabilities: { vatSpecialInvoice: true, enterpriseActivities: true },
    });
    // An enterprise's subject may change 30 days after its verification (SPEC §5).
    // The stack's CHANGE_COOLDOWN (30 days by default).
    expect(Date.parse(account.changeAllowedFrom) - Date.parse(account.verification.verifiedAt)).toBe(8_000);
    expect((await api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName: e.name })).body.match).toBe(true);
    // Admins see the personal fields in full.
    const asAdmin = await get(v.id, KEYS.admin);
    expect(asAdmin.subject.contact.mobile).toBe(e.contactMobile);
    // Notified by email and SMS (the message centre is listed separately), just after the outcome is written.
    const sent = await eventually(async () => {
      const items = (await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items;
      expect(items.map((n: { channel: string }) => n.channel).sort()).toEqual(['email', 'sms']);
      return items;
    });
    expect(sent.find((n: { channel: string }) => n.channel === 'sms').recipient).toBe(`139****${e.contactMobile!.slice(-4)}`);
  });

  it('fails ENTERPRISE_NAME_MISMATCH when the official account is certified under another name', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const v = await start(uniqueAccount('oa'), 'wechat_official_account', e);
    await sandbox('/sandbox/wechat/official-account-scans', { ticket: v.nextAction.ticket, certified: true, enterpriseName: '另一家公司' });
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'ENTERPRISE_NAME_MISMATCH' });
  });
});

describe('the business registry', () => {
  it('fails ENTERPRISE_NOT_IN_REGISTRY for a business licence the registry does not know yet', async () => {
    const v = await start(uniqueAccount('reg'), 'wechat_official_account', enterprise());
    expect(v).toMatchObject({ status: 'failed', failureReason: 'ENTERPRISE_NOT_IN_REGISTRY', nextAction: null });
    // Advice: a newly issued licence reaches the registry within about 7 business days (mainland calendar).
    expect(v.retryAfter).toBe(addBusinessDays(new Date(v.completedAt), 7).toISOString());
  });

  it('fails ENTERPRISE_NAME_MISMATCH when the registry knows another name', async () => {
    const e = enterprise();
    await register(baseUrl, e, { name: '北京完全不同有限公司' });
    expect(await start(uniqueAccount('reg'), 'recharge', e)).toMatchObject({ status: 'failed', failureReason: 'ENTERPRISE_NAME_MISMATCH' });
  });

  it.each([
    ['a credit code with a wrong check character', (e: EnterpriseFixture) => ({ ...e, code: e.code.slice(0, 17) + (e.code.endsWith('0') ? '1' : '0') }), 'CREDIT_CODE_INVALID'],
    ['a code with a letter outside the alphabet (I)', (e: EnterpriseFixture) => ({ ...e, code: `91I${e.code.slice(3)}` }), 'CREDIT_CODE_INVALID'],
  ])('refuses %s', async (_label, change, code) => {
    const res = await refused(uniqueAccount('reg'), 'legal_person_face', change(enterprise()));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe(code);
  });

  it('sends enterprises registered outside the mainland to the international site', async () => {
    const accountId = uniqueAccount('hk');
    const body = await enterpriseBody(baseUrl, accountId, 'legal_person_face', enterprise());
    (body.enterprise as Record<string, unknown>).registeredIn = 'hong_kong';
    const res = await api.post(`/v1/accounts/${accountId}/verifications`, body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INTERNATIONAL_SITE_REQUIRED');
  });

  it('refuses an upload of another account as the licence', async () => {
    const e = enterprise();
    const body = await enterpriseBody(baseUrl, uniqueAccount('other'), 'legal_person_face', e);
    const res = await api.post(`/v1/accounts/${uniqueAccount('reg')}/verifications`, body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'enterprise.licenseUploadId' })]);
  });
});

describe('legal person methods', () => {
  it('legal-person WeChat: the legal person’s own WeChat verifies', async () => {
    const e = enterprise('91');
    await register(baseUrl, e);
    const v = await start(uniqueAccount('lpw'), 'legal_person_wechat', e);
    await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName: e.legalPerson.name, idNumber: e.legalPerson.idNumber, bankCardLinked: true });
    expect(await get(v.id)).toMatchObject({ status: 'verified', method: 'legal_person_wechat' });
  });

  it('legal-person WeChat: the legal person’s WeChat without a linked bank card fails BANK_CARD_REQUIRED', async () => {
    const e = enterprise('91');
    await register(baseUrl, e);
    const v = await start(uniqueAccount('lpw'), 'legal_person_wechat', e);
    await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName: e.legalPerson.name, idNumber: e.legalPerson.idNumber, bankCardLinked: false });
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'BANK_CARD_REQUIRED' });
  });

  it('legal-person WeChat: someone else’s WeChat fails LEGAL_PERSON_MISMATCH', async () => {
    const e = enterprise('92');
    await register(baseUrl, e);
    const v = await start(uniqueAccount('lpw'), 'legal_person_wechat', e);
    await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName: '路人甲', idNumber: e.legalPerson.idNumber, bankCardLinked: true });
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' });
  });

  it('legal-person WeChat is only for codes starting 91/92', async () => {
    const res = await refused(uniqueAccount('lpw'), 'legal_person_wechat', enterprise('93'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('METHOD_NOT_ELIGIBLE');
    const options = (await api.get(`/v1/accounts/${uniqueAccount()}/verification-options?subjectType=enterprise&creditCode=${enterprise('93').code}`)).body;
    expect(options.methods.find((m: { method: string }) => m.method === 'legal_person_wechat')).toMatchObject({ eligible: false, reason: 'METHOD_NOT_ELIGIBLE' });
    expect(options.methods.find((m: { method: string }) => m.method === 'public_remittance')).toMatchObject({ eligible: true, completes: '1-5 business days' });
  });

  it('fails LEGAL_PERSON_MISMATCH when the registry lists another legal representative', async () => {
    const e = enterprise();
    await register(baseUrl, e, { legalRepresentative: { name: '另一人', idNumber: e.legalPerson.idNumber } });
    expect(await start(uniqueAccount('lpf'), 'legal_person_face', e)).toMatchObject({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' });
  });

  it('legal-person face works for an enterprise the registry does not know (other registration certificate)', async () => {
    const e = { ...enterprise(), code: 'D2143569X' };
    const v = await start(uniqueAccount('lpf'), 'legal_person_face', e, { licenseType: 'non_business_license' });
    expect(v).toMatchObject({ step: 'awaiting_face', nextAction: { provider: 'face', purpose: 'legal_person', attemptsLeft: 3 } });
    await sandbox('/sandbox/face/results', { ticket: v.nextAction.ticket, passed: true });
    expect(await get(v.id)).toMatchObject({ status: 'verified', method: 'legal_person_face' });
  });
});

describe('corporate public remittance', () => {
  const reviewer = { token: KEYS.reviewer };

  const toReview = (accountId: string, e: EnterpriseFixture, bankAccount?: string) => remittanceInReview(baseUrl, accountId, e, bankAccount ? { bankAccount } : {});

  async function settled(id: string) {
    return eventually(async () => {
      const v = await get(id);
      expect(v.step).toBe('awaiting_amount');
      return v;
    }, { timeoutMs: 20_000 });
  }

  it('handler face, review (rejected, corrected, approved), payout, amount: verified', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('pr');
    const bankAccount = bankAccountNumber();
    const v = await toReview(accountId, e, bankAccount);
    const reviewId = v.nextAction.reviewId as string;

    const open = (await api.get('/v1/reviews?status=open&kind=public_remittance&limit=100', reviewer)).body;
    expect(open.items).toContainEqual(expect.objectContaining({ id: reviewId, accountId, processId: v.id, status: 'open', overdue: false }));
    // An empty filter is no filter.
    expect((await api.get('/v1/reviews?status=open&kind=&limit=100', reviewer)).body.items).toContainEqual(expect.objectContaining({ id: reviewId }));
    const review = (await api.get(`/v1/reviews/${reviewId}`, reviewer)).body;
    expect(review.applicant).toMatchObject({ name: e.name, legalPerson: { name: e.legalPerson.name } });
    expect(review.applicant.bankAccount.accountNumber).toBe(`${bankAccount.slice(0, 4)}${'*'.repeat(bankAccount.length - 8)}${bankAccount.slice(-4)}`);
    // Admins see the application in full.
    const asAdmin = (await api.get(`/v1/reviews/${reviewId}`, { token: KEYS.admin })).body;
    expect(asAdmin.applicant).toMatchObject({ bankAccount: { accountNumber: bankAccount }, legalPerson: { idNumber: e.legalPerson.idNumber }, contact: { mobile: e.contactMobile } });
    expect(review.materials.map((m: { purpose: string }) => m.purpose).sort()).toEqual(['business_license', 'id_photo_emblem', 'id_photo_portrait']);
    const photo = await fetch(review.materials[0].contentUrl.replace(/^http:\/\/[^/]+/, baseUrl), { headers: { authorization: `Bearer ${KEYS.reviewer}` } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');

    const noReason = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'reject' }, reviewer);
    expect(noReason.status).toBe(422);
    const rejected = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'reject', reason: '手持身份证照片不清晰 / the ID photo is unreadable' }, reviewer);
    expect(rejected.body).toMatchObject({ status: 'decided', decision: { decision: 'reject', reason: '手持身份证照片不清晰 / the ID photo is unreadable', by: { name: 'reviewer' } } });
    expect(rejected.body.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'decided']);
    const afterReject = await get(v.id);
    expect(afterReject).toMatchObject({ step: 'awaiting_review', nextAction: { type: 'resubmit_materials', reason: expect.stringContaining('unreadable') }, rejection: { reason: expect.any(String) } });
    expect((await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'approve' }, reviewer)).body.code).toBe('REVIEW_NOT_OPEN');
    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body.items;
    expect(messages[0].title).toContain('Materials rejected');

    // Correct the bank account (new ID photos too) and resubmit: a new review round.
    const corrected = (await enterpriseBody(baseUrl, accountId, 'public_remittance', e)).bankAccount as Record<string, string>;
    const resubmitted = await api.post(`/v1/verifications/${v.id}/materials`, { bankAccount: corrected });
    expect(resubmitted.status, JSON.stringify(resubmitted.body)).toBe(200);
    const secondReview = resubmitted.body.nextAction.reviewId as string;
    expect(resubmitted.body).toMatchObject({ step: 'awaiting_review', nextAction: { type: 'await_review' }, rejection: null });
    expect(secondReview).not.toBe(reviewId);
    // The new round shows the earlier one and its reason, and where the process stands.
    const second = (await api.get(`/v1/reviews/${secondReview}`, reviewer)).body;
    expect(second.history[0]).toMatchObject({ action: 'resubmitted' });
    expect(second.rounds).toEqual([expect.objectContaining({ reviewId, round: 1, status: 'decided', decision: 'reject', reason: '手持身份证照片不清晰 / the ID photo is unreadable' })]);
    expect(second.process).toMatchObject({ kind: 'verification', id: v.id, step: 'awaiting_review' });
    expect(second.process.timeline.map((e: { action: string }) => e.action)).toContain('review.opened');

    // The decision is answered once the verification shows the payout step; the order follows (a slow bank does not hold the reviewer).
    await api.post(`/v1/reviews/${secondReview}/decision`, { decision: 'approve' }, reviewer);
    const waiting = await get(v.id);
    expect(waiting).toMatchObject({ step: 'awaiting_payout', nextAction: { type: 'await_payout', expectedBy: expect.any(String) } });
    expect(Date.parse(waiting.nextAction.expectedBy)).toBeGreaterThan(Date.now() + 24 * 3600_000);
    const amountStep = await settled(v.id);
    expect(amountStep.nextAction).toMatchObject({ type: 'enter_amount', attemptsLeft: 2 });
    expect(Date.parse(amountStep.nextAction.deadline) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);

    // The payout went to the corrected account, once.
    const statement = (await api.get(`/sandbox/bank/accounts/${corrected.accountNumber}/statement`, { token: null })).body.items;
    expect(statement).toHaveLength(1);
    const amount = statement[0].amount as string;
    expect(parseYuan(amount)).toBeGreaterThanOrEqual(1);
    expect(parseYuan(amount)).toBeLessThanOrEqual(99);

    const wrong = await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount: fenToYuan(parseYuan(amount)! === 99 ? 98 : parseYuan(amount)! + 1) });
    expect(wrong.body).toMatchObject({ result: 'mismatch', attemptsLeft: 1, verification: { status: 'in_progress' } });
    const right = await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount });
    expect(right.body).toMatchObject({ result: 'matched', verification: { status: 'verified' } });
    expect((await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount })).body.code).toBe('PROCESS_NOT_OPEN');

    // SPEC §7: public remittance results go by email, SMS and WeChat too.
    const sent = (await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items;
    expect(sent.filter((n: { title: string }) => n.title.includes('Enterprise verification completed')).map((n: { channel: string }) => n.channel).sort()).toEqual(['email', 'sms', 'wechat']);
    expect(sent.some((n: { title: string }) => n.title.includes('Materials rejected'))).toBe(true);
    expect((await api.get('/v1/reviews?status=decided&limit=100', reviewer)).body.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([reviewId, secondReview]));
    // One payout, to the corrected account, and nothing to the first one.
    await reconciled(accountId, [bankAccount, corrected.accountNumber!]);
  });

  it('fails BANK_ACCOUNT_INVALID when the bank refuses the payout', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('pr');
    const v = await toReview(accountId, e, bankAccountNumber(true));
    await api.post(`/v1/reviews/${v.nextAction.reviewId}/decision`, { decision: 'approve' }, reviewer);
    await eventually(async () => expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'BANK_ACCOUNT_INVALID' }), { timeoutMs: 20_000 });
    await reconciled(accountId);
  });

  it('fails after two wrong amounts', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('pr');
    const v = await toReview(accountId, e);
    await api.post(`/v1/reviews/${v.nextAction.reviewId}/decision`, { decision: 'approve' }, reviewer);
    await settled(v.id);
    expect((await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount: '1.00' })).body).toMatchObject({ result: 'mismatch', attemptsLeft: 1 });
    expect((await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount: '1.00' })).body).toMatchObject({ result: 'mismatch', attemptsLeft: 0, verification: { status: 'failed', failureReason: 'REMITTANCE_AMOUNT_MISMATCH' } });
    expect((await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount: 'abc' })).status).toBe(422);
    await reconciled(accountId);
  });

  it('keeps the enterprise application’s personal data out of workflow history', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const bankAccount = bankAccountNumber();
    const v = await toReview(uniqueAccount('pr'), e, bankAccount);
    const history = await historyWithoutCodec(`verification/${v.id}`);
    for (const secret of [bankAccount, e.legalPerson.idNumber, e.contactMobile!, e.contactMobile!.slice(3)]) expect(history.plaintext).not.toContain(secret);
    // With the codec key too: they are sealed under the verification's own data key (SPEC §11).
    for (const secret of [bankAccount, e.legalPerson.idNumber, e.contactMobile!.slice(3)]) expect(history.decodedInput).not.toContain(secret);
    expect(history.decodedInput).toMatch(/"accountNumber":"pd1\.ver_/);
  });

  it('the user may revoke while the review is open; the review is then closed to decisions', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const v = await toReview(uniqueAccount('pr'), e);
    expect((await api.post(`/v1/verifications/${v.id}/cancel`)).body.status).toBe('cancelled');
    expect((await api.get(`/v1/reviews/${v.nextAction.reviewId}`, reviewer)).body).toMatchObject({ status: 'closed', decision: null });
    const decision = await api.post(`/v1/reviews/${v.nextAction.reviewId}/decision`, { decision: 'approve' }, reviewer);
    expect(decision.status).toBe(409);
    expect(decision.body.code).toBe('REVIEW_NOT_OPEN');
  });

  it('keeps reviews away from other roles', async () => {
    expect((await api.get('/v1/reviews')).status).toBe(403);
    const token = (await api.post('/v1/admin/account-tokens', { accountId: uniqueAccount(), ttlSeconds: 600 })).body.token;
    expect((await api.get('/v1/reviews', { token })).status).toBe(403);
  });
});

describe('enterprise identity quota', () => {
  it('lets exactly 10 accounts verify one enterprise, racing; an admin may raise it', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accounts = Array.from({ length: 11 }, () => uniqueAccount('eq'));
    const started = await Promise.all(accounts.map((a) => start(a, 'wechat_official_account', e)));
    await Promise.all(started.map((v) => sandbox('/sandbox/wechat/official-account-scans', { ticket: v.nextAction.ticket, certified: true, enterpriseName: e.name })));
    const outcomes = await Promise.all(started.map((v) => get(v.id)));
    expect(outcomes.filter((v) => v.status === 'verified')).toHaveLength(10);
    expect(outcomes.filter((v) => v.status === 'failed').map((v) => v.failureReason)).toEqual(['IDENTITY_QUOTA_EXCEEDED']);

    const twelfth = uniqueAccount('eq');
    expect((await refused(twelfth, 'wechat_official_account', e)).body.code).toBe('IDENTITY_QUOTA_EXCEEDED');
    expect((await api.put(`/v1/admin/enterprise-quotas/${e.code}`, { limit: 12 })).status).toBe(403);
    expect((await api.put(`/v1/admin/enterprise-quotas/${e.code}`, { limit: 12 }, { token: KEYS.admin })).body).toEqual({ creditCode: e.code, limit: 12 });
    const v = await start(twelfth, 'wechat_official_account', e);
    await sandbox('/sandbox/wechat/official-account-scans', { ticket: v.nextAction.ticket, certified: true, enterpriseName: e.name });
    expect(await get(v.id)).toMatchObject({ status: 'verified' });

    const lookup = await api.post('/v1/admin/identity-lookups', { creditCode: e.code }, { token: KEYS.admin });
    expect(lookup.body.accounts).toHaveLength(11);
    expect(lookup.body.accounts).toContain(twelfth);
  });
});
