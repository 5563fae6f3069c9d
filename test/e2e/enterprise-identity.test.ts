import { describe, expect, inject, it } from 'vitest';
import { isValidCreditCode } from '../../domain/credit-code';
import { getChange, passFace, settledChange, untilTime, verifiedIndividual } from '../support/changes';
import { enterprise, enterpriseBody, organizationCode, register, registrationNumber, type EnterpriseFixture } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';

/**
 * One enterprise, one identity (SPEC §10): a registration number or
 * organisation code the business registry maps to a unified credit code
 * counts as that credit code for the quota and the identity lookups, whichever
 * code the enterprise presents. Through HTTP and the sandbox only.
 */

const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const admin = { token: KEYS.admin };

/** A credit code is printed on a business licence; the old codes on other registration certificates. */
const licenseTypeOf = (code: string) => (isValidCreditCode(code) ? 'business_license' : 'non_business_license');

/** The enterprise `e` presenting `code`: the start-verification answer. */
async function start(accountId: string, e: EnterpriseFixture, code: string, method = 'wechat_official_account') {
  return api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, method, { ...e, code }, { licenseType: licenseTypeOf(code) }));
}

/** Started (201) and played to its end by the official account's administrator: the verification as it ended. */
async function verifyByOfficialAccount(accountId: string, e: EnterpriseFixture, code: string) {
  const started = await start(accountId, e, code);
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const scan = await api.post('/sandbox/wechat/official-account-scans', { ticket: started.body.nextAction.ticket, certified: true, enterpriseName: e.name }, { token: null });
  expect(scan.body).toMatchObject({ processed: true });
  return (await api.get(`/v1/verifications/${started.body.id}`)).body;
}

const lookup = async (code: string): Promise<string[]> => {
  const res = await api.post('/v1/admin/identity-lookups', { creditCode: code }, admin);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return [...(res.body.accounts as string[])].sort();
};

const setQuota = (code: string, limit: number) => api.put(`/v1/admin/enterprise-quotas/${encodeURIComponent(code)}`, { limit }, admin);

async function expectQuotaRefused(e: EnterpriseFixture, code: string) {
  const refused = await start(uniqueAccount('eid'), e, code);
  expect(refused.status, `${code}: ${JSON.stringify(refused.body)}`).toBe(409);
  expect(refused.body.code).toBe('IDENTITY_QUOTA_EXCEEDED');
}

describe('an enterprise registered with former codes', () => {
  it('has one quota and one lookup whichever code it presents; a quota raised by either code applies to all', async () => {
    const e = enterprise();
    const printedOrg = organizationCode(true);
    const org = printedOrg.replace('-', '');
    const regNo = registrationNumber();
    const registered = await api.put(`/sandbox/registry/enterprises/${e.code}`, { name: e.name, legalRepresentative: e.legalPerson, formerCodes: [printedOrg.toLowerCase(), regNo] }, { token: null });
    expect(registered.body.formerCodes).toEqual([org, regNo].sort());

    // Eleven accounts racing, by all three codes (the organisation code as printed): one identity, so exactly ten verify.
    const codes = [e.code, printedOrg, regNo];
    const accounts = Array.from({ length: 11 }, (_, i) => ({ accountId: uniqueAccount('eid'), code: codes[i % 3]! }));
    const outcomes = await Promise.all(accounts.map(({ accountId, code }) => verifyByOfficialAccount(accountId, e, code)));
    const verified = outcomes.filter((v) => v.status === 'verified');
    expect(verified).toHaveLength(10);
    expect(outcomes.filter((v) => v.status === 'failed').map((v) => v.failureReason)).toEqual(['IDENTITY_QUOTA_EXCEEDED']);
    // The account shows the code its applicant entered; only the identity is the credit code's.
    const byOrg = accounts.find((a, i) => a.code === printedOrg && outcomes[i]!.status === 'verified')!;
    expect((await api.get(`/v1/accounts/${byOrg.accountId}`)).body.verification.subject).toMatchObject({ name: e.name, creditCode: org });

    for (const code of codes) await expectQuotaRefused(e, code);
    const tenAccounts = verified.map((v) => v.accountId as string).sort();
    expect(await lookup(e.code)).toEqual(tenAccounts);
    expect(await lookup(printedOrg.toLowerCase())).toEqual(tenAccounts);
    expect(await lookup(regNo)).toEqual(tenAccounts);

    // Raised by the organisation code: the credit code's quota, answered as such.
    expect((await setQuota(printedOrg, 11)).body).toEqual({ creditCode: e.code, limit: 11 });
    const eleventh = uniqueAccount('eid');
    expect(await verifyByOfficialAccount(eleventh, e, e.code)).toMatchObject({ status: 'verified' });
    await expectQuotaRefused(e, regNo);
    // Raised by the credit code: the registration number's too.
    expect((await setQuota(e.code, 12)).body).toEqual({ creditCode: e.code, limit: 12 });
    const twelfth = uniqueAccount('eid');
    expect(await verifyByOfficialAccount(twelfth, e, regNo)).toMatchObject({ status: 'verified' });
    await expectQuotaRefused(e, org);
    expect(await lookup(org)).toEqual([...tenAccounts, eleventh, twelfth].sort());
  });

  it('is found by the registry check under a former code: its legal representative must match', async () => {
    const e = enterprise();
    const org = organizationCode();
    await register(baseUrl, e, { formerCodes: [org], legalRepresentative: { name: '另一法人', idNumber: e.legalPerson.idNumber } });
    const started = await start(uniqueAccount('eid'), e, org, 'legal_person_face');
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' });
  });

  it('a code the registry does not map keeps an identity of its own', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const unmapped = organizationCode();
    const accountId = uniqueAccount('eid');
    const started = await start(accountId, e, unmapped, 'legal_person_face');
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await passFace(baseUrl, started.body.nextAction.ticket);
    expect((await api.get(`/v1/verifications/${started.body.id}`)).body.status).toBe('verified');
    expect(await lookup(unmapped)).toEqual([accountId]);
    expect(await lookup(e.code)).toEqual([]);
    expect((await setQuota(unmapped, 5)).body).toEqual({ creditCode: unmapped, limit: 5 });
  });

  it('a former code moved to another enterprise counts for that one from then on; accounts verified before stay', async () => {
    const [a, b] = [enterprise(), enterprise()];
    const regNo = registrationNumber();
    await register(baseUrl, a, { formerCodes: [regNo] });
    const first = uniqueAccount('eid');
    expect(await verifyByOfficialAccount(first, a, regNo)).toMatchObject({ status: 'verified' });

    const moved = await api.put(`/sandbox/registry/enterprises/${b.code}`, { name: b.name, legalRepresentative: b.legalPerson, formerCodes: [regNo] }, { token: null });
    expect(moved.body.formerCodes).toEqual([regNo]);
    expect(await lookup(regNo)).toEqual([]);
    const second = uniqueAccount('eid');
    expect(await verifyByOfficialAccount(second, b, regNo)).toMatchObject({ status: 'verified' });
    expect(await lookup(a.code)).toEqual([first]);
    expect(await lookup(b.code)).toEqual([second]);
  });
});

describe('changes of subject to an enterprise presenting a former code', () => {
  it('individual → enterprise binds the credit code’s identity; an entity change to the same enterprise by its other code is refused', async () => {
    const e = enterprise();
    const org = organizationCode();
    await register(baseUrl, e, { formerCodes: [org] });
    const accountId = uniqueAccount('eid');
    await verifiedIndividual(baseUrl, accountId);
    const { subjectType: _s, ...subject } = await enterpriseBody(baseUrl, accountId, 'legal_person_face', { ...e, code: org }, { licenseType: 'non_business_license' });
    const created = await api.post(`/v1/accounts/${accountId}/changes`, { type: 'individual_to_enterprise', agreementAccepted: true, ...subject });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await passFace(baseUrl, created.body.nextAction.ticket);
    await passFace(baseUrl, (await getChange(baseUrl, created.body.id)).nextAction.ticket);
    expect(await settledChange(baseUrl, created.body.id)).toMatchObject({ status: 'completed' });
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject).toMatchObject({ creditCode: org });
    expect(await lookup(e.code)).toEqual([accountId]);

    const entityChange = {
      type: 'enterprise_entity_change',
      agreementAccepted: true,
      formerLegalPerson: e.legalPerson,
      newEnterprise: { name: '北京另一名称有限公司', creditCode: e.code, address: { region: '北京市/海淀区', detail: '中关村大街 2 号' } },
    };
    let refused = await api.post(`/v1/accounts/${accountId}/changes`, entityChange);
    if (refused.body.code === 'CHANGE_COOLDOWN') {
      await untilTime(refused.body.allowedFrom);
      refused = await api.post(`/v1/accounts/${accountId}/changes`, entityChange);
    }
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'newEnterprise.creditCode' }] });
  });
});

describe('PUT /sandbox/registry/enterprises/{creditCode} formerCodes', () => {
  it.each([
    ['a credit code', () => enterprise().code],
    ['an organisation code with a wrong check character', () => 'D21435690'],
    ['14 digits', () => '11010801234567'],
  ])('refuses %s with 422 at its index', async (_label, code) => {
    const e = enterprise();
    const res = await api.put(`/sandbox/registry/enterprises/${e.code}`, { name: e.name, legalRepresentative: e.legalPerson, formerCodes: [registrationNumber(), code()] }, { token: null });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'formerCodes.1' }] });
  });
});
