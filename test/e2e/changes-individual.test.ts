import { describe, expect, inject, it } from 'vitest';
import { enterpriseBody } from '../support/enterprise';
import {
  enterprise,
  getChange,
  passFace,
  register,
  requestChange,
  scanWechat,
  settledChange,
  untilTime,
  verifiedEnterprise,
  verifiedIndividual,
} from '../support/changes';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';

/** Changes of an individual account's subject (SPEC §5), through HTTP and the sandbox only. */

const baseUrl = inject('baseUrl');
const api = http(baseUrl);

const masked = (idNumber: string) => `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`;
const lookup = (idNumber: string) => api.post('/v1/admin/identity-lookups', { idType: 'mainland_id', idNumber }, { token: KEYS.admin });

async function individualToEnterpriseBody(accountId: string, method: string, e = enterprise()) {
  const { subjectType: _s, ...body } = await enterpriseBody(baseUrl, accountId, method, e);
  return { type: 'individual_to_enterprise', agreementAccepted: true, ...body };
}

describe('individual → enterprise', () => {
  it('holder face, then the enterprise verification as a child: nothing of the account changes until the switch, then all of it', async () => {
    const accountId = uniqueAccount();
    const holder = await verifiedIndividual(baseUrl, accountId);
    const e = enterprise();
    await register(baseUrl, e);

    // No cooling-off for individual → enterprise: at once after the verification.
    const change = await requestChange(baseUrl, accountId, await individualToEnterpriseBody(accountId, 'legal_person_face', e));
    expect(change).toMatchObject({
      id: expect.stringMatching(/^chg_/),
      accountId,
      type: 'individual_to_enterprise',
      status: 'in_progress',
      step: 'awaiting_holder_face',
      nextAction: { type: 'scan_qr', provider: 'face', purpose: 'holder' },
      failureReason: null,
      completedAt: null,
    });
    expect(Date.parse(change.expiresAt) - Date.parse(change.createdAt)).toBeGreaterThan(6.9 * 24 * 3600_000);
    const during = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(during.openProcess).toEqual({ kind: 'change', id: change.id });
    // One open process per account: a change blocks verifications.
    const blocked = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody());
    expect(blocked.status).toBe(409);

    await passFace(baseUrl, change.nextAction.ticket);
    const verifying = await getChange(baseUrl, change.id);
    expect(verifying).toMatchObject({
      step: 'verifying_new_subject',
      verificationId: expect.stringMatching(/^ver_/),
      // The change mirrors its verification's next action: a client polls one resource.
      nextAction: { type: 'scan_qr', provider: 'face', purpose: 'legal_person' },
    });
    const child = (await api.get(`/v1/verifications/${verifying.verificationId}`)).body;
    expect(child).toMatchObject({ subjectType: 'enterprise', method: 'legal_person_face', status: 'in_progress', nextAction: verifying.nextAction });
    // Only the change may end it.
    const cancel = await api.post(`/v1/verifications/${child.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('PROCESS_NOT_OPEN');
    const unchanged = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(unchanged.verification).toEqual(holder.account.verification);
    expect(unchanged.capabilities).toEqual({ vatSpecialInvoice: false, enterpriseActivities: false });

    await passFace(baseUrl, verifying.nextAction.ticket);
    const done = await settledChange(baseUrl, change.id);
    expect(done).toMatchObject({ status: 'completed', step: null, nextAction: null, failureReason: null });
    expect((await api.get(`/v1/verifications/${child.id}`)).body.status).toBe('verified');

    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({
      verification: { status: 'verified', subjectType: 'enterprise', method: 'legal_person_face', subject: { name: e.name, creditCode: e.code } },
      capabilities: { vatSpecialInvoice: true, enterpriseActivities: true },
      openProcess: null,
    });
    expect(Date.parse(account.verification.verifiedAt)).toBeGreaterThan(Date.parse(holder.account.verification.verifiedAt));
    // A new cooling-off runs from the switch.
    expect(Date.parse(account.changeAllowedFrom)).toBeGreaterThan(Date.parse(account.verification.verifiedAt));
    // The identity lookup lists the account under the new identity only.
    expect((await lookup(holder.idNumber)).body.accounts).toEqual([]);
    expect((await api.post('/v1/admin/identity-lookups', { creditCode: e.code }, { token: KEYS.admin })).body.accounts).toEqual([accountId]);
    expect((await api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName: e.name })).body.match).toBe(true);
    const titles = (await api.get(`/v1/accounts/${accountId}/messages`)).body.items.map((m: { title: string }) => m.title);
    expect(titles).toContain('认证主体变更成功 / Change of subject completed');

    // One way: an enterprise account never becomes an individual's again.
    const back = await api.post(`/v1/accounts/${accountId}/changes`, { type: 'individual_to_individual', agreementAccepted: true, individual: individualBody().individual });
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('CHANGE_NOT_ALLOWED');
  });

  it('revoked while verifying the new subject: that verification ends cancelled and the account stays the individual’s', async () => {
    const accountId = uniqueAccount();
    const holder = await verifiedIndividual(baseUrl, accountId);
    const e = enterprise();
    await register(baseUrl, e);
    const change = await requestChange(baseUrl, accountId, await individualToEnterpriseBody(accountId, 'legal_person_face', e));
    await passFace(baseUrl, change.nextAction.ticket);
    const verifying = await getChange(baseUrl, change.id);

    const revoked = await api.post(`/v1/changes/${change.id}/revoke`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', step: null });
    expect((await api.get(`/v1/verifications/${verifying.verificationId}`)).body.status).toBe('cancelled');
    const again = await api.post(`/v1/changes/${change.id}/revoke`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PROCESS_NOT_OPEN');
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({ verification: holder.account.verification, openProcess: null });
    expect((await lookup(holder.idNumber)).body.accounts).toEqual([accountId]);
  });

  it('a permit holder’s step is a WeChat authorisation; a record of someone else fails the change', async () => {
    const accountId = uniqueAccount();
    const permit = { realName: '陈港人', idNumber: `H${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, idType: 'hk_macao_permit', birthDate: '1980-01-01' };
    await verifiedIndividual(baseUrl, accountId, permit);
    const change = await requestChange(baseUrl, accountId, await individualToEnterpriseBody(accountId, 'legal_person_face'));
    expect(change).toMatchObject({ step: 'awaiting_holder_scan', nextAction: { type: 'scan_qr', provider: 'wechat', purpose: 'holder' } });
    // A fresh QR on request, as for a verification; the replaced ticket stops working.
    const fresh = await api.post(`/v1/changes/${change.id}/qr`);
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(fresh.body.nextAction).toMatchObject({ type: 'scan_qr', provider: 'wechat', refreshesLeft: change.nextAction.refreshesLeft - 1 });
    expect(fresh.body.nextAction.ticket).not.toBe(change.nextAction.ticket);
    expect((await api.post('/sandbox/wechat/scans', { ticket: change.nextAction.ticket, realName: permit.realName, idNumber: permit.idNumber, bankCardLinked: true }, { token: null })).status).toBe(410);
    await scanWechat(baseUrl, fresh.body.nextAction.ticket, { realName: '别人', idNumber: mainlandId() });
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'failed', failureReason: 'IDENTITY_MISMATCH' });
    expect((await api.get(`/v1/accounts/${accountId}`)).body).toMatchObject({ verification: { subjectType: 'individual' }, openProcess: null });
  });
});

describe('individual → individual', () => {
  it('waits out the cooling-off (CHANGE_COOLDOWN with allowedFrom), then holder face → new person face → switched at once', async () => {
    const accountId = uniqueAccount();
    const holder = await verifiedIndividual(baseUrl, accountId);
    const newPerson = { ...individualBody().individual, realName: '李四', idNumber: mainlandId('1992-02-02') };
    const body = { type: 'individual_to_individual', agreementAccepted: true, individual: newPerson };

    const early = await api.post(`/v1/accounts/${accountId}/changes`, body);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CHANGE_COOLDOWN');
    // 30 days (here the stack's CHANGE_COOLDOWN) from the last completion; the account view shows the earliest change of any type (individual → enterprise: at once).
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(Date.parse(early.body.allowedFrom) - Date.parse(account.verification.verifiedAt)).toBe(8_000);
    expect(account.changeAllowedFrom).toBe(account.verification.verifiedAt);

    await untilTime(early.body.allowedFrom);
    const change = await requestChange(baseUrl, accountId, body);
    expect(change).toMatchObject({ step: 'awaiting_holder_face', nextAction: { provider: 'face', purpose: 'holder' } });
    await passFace(baseUrl, change.nextAction.ticket);
    const second = await getChange(baseUrl, change.id);
    expect(second).toMatchObject({ step: 'awaiting_new_person_face', nextAction: { provider: 'face', purpose: 'new_person' } });
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.realName).toBe(holder.realName);

    await passFace(baseUrl, second.nextAction.ticket);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });
    const after = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(after.verification).toMatchObject({ subjectType: 'individual', subject: { realName: '李四', idNumber: masked(newPerson.idNumber) } });
    const admin = (await api.get(`/v1/accounts/${accountId}`, { token: KEYS.admin })).body;
    expect(admin.verification.subject.idNumber).toBe(newPerson.idNumber);
    expect((await lookup(holder.idNumber)).body.accounts).toEqual([]);
    expect((await lookup(newPerson.idNumber)).body.accounts).toEqual([accountId]);
    expect((await api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName: '李四' })).body.match).toBe(true);
  });

  it('refuses in API.md’s order: 422, NOT_VERIFIED, CHANGE_NOT_ALLOWED, PROCESS_ALREADY_OPEN, CHANGE_COOLDOWN, then the new person’s rules', async () => {
    const code = async (accountId: string, body: unknown) => {
      const res = await api.post(`/v1/accounts/${accountId}/changes`, body);
      return `${res.status} ${res.body.code}`;
    };
    const person = individualBody().individual;
    const change = { type: 'individual_to_individual', agreementAccepted: true, individual: person };

    const unverified = uniqueAccount();
    expect(await code(unverified, { ...change, agreementAccepted: false })).toBe('422 VALIDATION_FAILED');
    expect(await code(unverified, change)).toBe('409 NOT_VERIFIED');

    const company = uniqueAccount();
    await verifiedEnterprise(baseUrl, company);
    expect(await code(company, change)).toBe('409 CHANGE_NOT_ALLOWED');

    const busy = uniqueAccount();
    await verifiedIndividual(baseUrl, busy);
    const open = await requestChange(baseUrl, busy, await individualToEnterpriseBody(busy, 'legal_person_face'));
    expect(await code(busy, change)).toBe('409 PROCESS_ALREADY_OPEN');
    await api.post(`/v1/changes/${open.id}/revoke`);
    // A revoked change completed nothing: the cooling-off still runs from the verification.
    const cooling = await api.post(`/v1/accounts/${busy}/changes`, change);
    expect(`${cooling.status} ${cooling.body.code}`).toBe('409 CHANGE_COOLDOWN');

    await untilTime(cooling.body.allowedFrom);
    expect(await code(busy, { ...change, individual: { ...person, idNumber: mainlandId('2015-01-01') } })).toBe('422 UNDERAGE');
    expect(await code(busy, { ...change, individual: { ...person, idNumber: '110105199001011234' } })).toBe('422 ID_NUMBER_INVALID');
    expect(await code(busy, { ...change, individual: { ...person, idType: 'passport', idNumber: 'E12345678' } })).toBe('422 INTERNATIONAL_SITE_REQUIRED');
    expect((await api.get(`/v1/accounts/${busy}/changes`)).body.items.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[open.id, 'revoked']]);
  });
});
