import { describe, expect, inject, it } from 'vitest';
import {
  enterprise,
  firstApproval,
  getChange,
  namedReviewer,
  newSubjectBody,
  passFace,
  register,
  requestAfterCooldown,
  settledChange,
  uploadMaterials,
  verifiedEnterprise,
  type EnterpriseFixture,
} from '../support/changes';
import { uploadFile } from '../../scripts/lib/files';
import { http, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/** Changes of an enterprise account's subject (SPEC §5), through HTTP and the sandbox only. */

const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const reviewer = { token: KEYS.reviewer };
const ENTITY_MATERIALS = ['change_application_form', 'current_license', 'id_photo_emblem', 'id_photo_portrait'];

const entityChangeBody = (a: EnterpriseFixture, b: EnterpriseFixture) => ({
  type: 'enterprise_entity_change',
  agreementAccepted: true,
  formerLegalPerson: a.legalPerson,
  newEnterprise: { name: b.name, creditCode: b.code, address: { region: '上海市/浦东新区', detail: '世纪大道 1 号' } },
});

/** An enterprise account with an entity change A → B whose materials wait in review. */
async function entityChangeInReview() {
  const accountId = uniqueAccount();
  const { enterprise: a } = await verifiedEnterprise(baseUrl, accountId);
  const b = enterprise();
  const change = await requestAfterCooldown(baseUrl, accountId, entityChangeBody(a, b));
  expect(change).toMatchObject({ step: 'awaiting_holder_face', nextAction: { provider: 'face', purpose: 'holder' } });
  await passFace(baseUrl, change.nextAction.ticket);
  const materials = await uploadMaterials(baseUrl, accountId, ENTITY_MATERIALS);
  const inReview = await api.post(`/v1/changes/${change.id}/materials`, { materials });
  expect(inReview.status, JSON.stringify(inReview.body)).toBe(200);
  return { accountId, a, b, change: inReview.body, materials };
}

const decide = (reviewId: string, decision: 'approve' | 'reject', reason?: string) => api.post(`/v1/reviews/${reviewId}/decision`, { decision, ...(reason ? { reason } : {}) }, reviewer);

describe('enterprise entity change A → B', () => {
  it('former legal person’s face → materials → review (reject, resubmit, approve) → new subject → its verification → switched', async () => {
    const accountId = uniqueAccount();
    const { enterprise: a } = await verifiedEnterprise(baseUrl, accountId);
    const b = enterprise();
    const change = await requestAfterCooldown(baseUrl, accountId, entityChangeBody(a, b));
    await passFace(baseUrl, change.nextAction.ticket);
    const awaiting = await getChange(baseUrl, change.id);
    expect(awaiting).toMatchObject({ step: 'awaiting_materials', nextAction: { type: 'submit_materials', required: ENTITY_MATERIALS } });

    // A missing purpose, or another account's upload: 422, nothing changes.
    const materials = await uploadMaterials(baseUrl, accountId, ENTITY_MATERIALS);
    const { current_license: _license, ...partial } = materials;
    expect((await api.post(`/v1/changes/${change.id}/materials`, { materials: partial })).status).toBe(422);
    const foreign = await uploadFile(baseUrl, uniqueAccount(), 'change_application_form');
    expect((await api.post(`/v1/changes/${change.id}/materials`, { materials: { ...materials, change_application_form: foreign.id } })).status).toBe(422);
    expect((await getChange(baseUrl, change.id)).step).toBe('awaiting_materials');

    // deregistration_proof stands in for current_license.
    const { current_license: _l, ...rest } = materials;
    const proof = (await uploadFile(baseUrl, accountId, 'deregistration_proof')).id;
    const first = await api.post(`/v1/changes/${change.id}/materials`, { materials: { ...rest, deregistration_proof: proof } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ step: 'awaiting_review', reviewId: expect.stringMatching(/^rev_/), nextAction: { type: 'await_review' } });
    const reviewId = first.body.reviewId;
    const queue = (await api.get('/v1/reviews?status=open&kind=enterprise_entity_change&limit=100', reviewer)).body.items;
    expect(queue).toContainEqual(expect.objectContaining({ id: reviewId, kind: 'enterprise_entity_change', processId: change.id, accountId }));
    const review = (await api.get(`/v1/reviews/${reviewId}`, reviewer)).body;
    expect(review.materials.map((m: { purpose: string }) => m.purpose).sort()).toEqual(['change_application_form', 'deregistration_proof', 'id_photo_emblem', 'id_photo_portrait']);
    expect(review.applicant).toMatchObject({ newEnterprise: { name: b.name, creditCode: b.code }, formerLegalPerson: { name: a.legalPerson.name } });
    expect(review.applicant.formerLegalPerson.idNumber).not.toBe(a.legalPerson.idNumber);
    // Due in 3 business days.
    expect(Date.parse(review.dueAt) - Date.parse(review.createdAt)).toBeGreaterThanOrEqual(3 * 24 * 3600_000 - 60_000);

    const rejected = await decide(reviewId, 'reject', '变更申请表未盖章 / the form is not stamped');
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const back = await getChange(baseUrl, change.id);
    expect(back).toMatchObject({ step: 'awaiting_materials', rejection: { reason: '变更申请表未盖章 / the form is not stamped', at: expect.any(String) } });
    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body.items.map((m: { body: string }) => m.body);
    expect(messages.some((body: string) => body.includes('the form is not stamped'))).toBe(true);
    // SPEC §7: by email and SMS too, with the reason.
    await eventually(async () => {
      const sent = (await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items;
      const rejection = sent.filter((n: { title: string; body: string }) => n.title.startsWith('变更资料审核未通过') && n.body.includes('the form is not stamped'));
      expect(rejection.map((n: { channel: string }) => n.channel).sort()).toEqual(['email', 'sms']);
    });

    const second = await api.post(`/v1/changes/${change.id}/materials`, { materials });
    expect(second.body.reviewId).not.toBe(reviewId);
    expect(second.body.rejection).toBeUndefined();
    // Four eyes: a first approval by a named reviewer, the second by the shared key's `reviewer`.
    await firstApproval(baseUrl, second.body.reviewId);
    expect((await decide(second.body.reviewId, 'approve')).status).toBe(200);
    const approved = await getChange(baseUrl, change.id);
    expect(approved).toMatchObject({ step: 'awaiting_new_subject', nextAction: { type: 'submit_new_subject' } });
    // Revocable only until the decision.
    expect((await api.post(`/v1/changes/${change.id}/revoke`)).body.code).toBe('PROCESS_NOT_OPEN');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.name).toBe(a.name);

    // The new subject must be the declared one.
    const other = enterprise();
    const wrong = await api.post(`/v1/changes/${change.id}/new-subject`, await newSubjectBody(baseUrl, accountId, 'legal_person_face', other));
    expect(wrong.status).toBe(422);
    await register(baseUrl, b);
    const verifying = await api.post(`/v1/changes/${change.id}/new-subject`, await newSubjectBody(baseUrl, accountId, 'legal_person_face', b));
    expect(verifying.status, JSON.stringify(verifying.body)).toBe(200);
    expect(verifying.body).toMatchObject({ step: 'verifying_new_subject', verificationId: expect.stringMatching(/^ver_/), nextAction: { type: 'scan_qr', provider: 'face', purpose: 'legal_person' } });

    await passFace(baseUrl, verifying.body.nextAction.ticket);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account.verification).toMatchObject({ subjectType: 'enterprise', subject: { name: b.name, creditCode: b.code } });
    // The ICP name check, and with it VAT special invoices, follow the new name; the old one no longer counts.
    expect((await api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName: a.name })).body.match).toBe(false);
    expect((await api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName: b.name })).body.match).toBe(true);
    const byCode = (code: string) => api.post('/v1/admin/identity-lookups', { creditCode: code }, { token: KEYS.admin });
    expect((await byCode(a.code)).body.accounts).toEqual([]);
    expect((await byCode(b.code)).body.accounts).toEqual([accountId]);
    // Notified once the outcome is written (the notification follows the switch).
    await eventually(async () => {
      const outcome = (await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items.filter((n: { title: string }) => n.title.startsWith('认证主体变更成功'));
      expect(outcome.map((n: { channel: string }) => n.channel).sort()).toEqual(['email', 'sms']);
    }, { timeoutMs: 30_000 });
  });

  it('revoke racing an approval: exactly one wins, and the outcome is the winner’s', async () => {
    const cases = await Promise.all([0, 1, 2].map(() => entityChangeInReview()));
    for (const { change } of cases) {
      // The second approval, the one that decides, races the revocation.
      await firstApproval(baseUrl, change.reviewId);
      const [approval, revocation] = await Promise.all([decide(change.reviewId, 'approve'), api.post(`/v1/changes/${change.id}/revoke`)]);
      const statuses = [approval.status, revocation.status].sort();
      expect(statuses, JSON.stringify([approval.body, revocation.body])).toEqual([200, 409]);
      const after = await getChange(baseUrl, change.id);
      if (approval.status === 200) {
        expect(revocation.body.code).toBe('PROCESS_NOT_OPEN');
        expect(after).toMatchObject({ status: 'in_progress', step: 'awaiting_new_subject' });
      } else {
        expect(['REVIEW_NOT_OPEN', 'PROCESS_NOT_OPEN']).toContain(approval.body.code);
        expect(after.status).toBe('revoked');
        expect((await api.get(`/v1/reviews/${change.reviewId}`, reviewer)).body.status).not.toBe('open');
      }
    }
  });
});

describe('four eyes on an entity change (SPEC §6)', () => {
  it('the first approval leaves the review open and revocable; the same reviewer again is refused, a retry replays; the second reviewer decides', async () => {
    const { change } = await entityChangeInReview();
    const [wang, li] = await Promise.all([namedReviewer(baseUrl, '王芳'), namedReviewer(baseUrl, 'li.lei')]);
    const path = `/v1/reviews/${change.reviewId}/decision`;
    expect((await api.get(`/v1/reviews/${change.reviewId}`, wang)).body).toMatchObject({ status: 'open', requiredApprovals: 2, approvals: [] });
    expect((await api.post(`/v1/reviews/${change.reviewId}/claim`, undefined, wang)).status).toBe(200);

    const key = { 'idempotency-key': `four-eyes-${change.id}` };
    const first = await api.post(path, { decision: 'approve', reason: '执照核对无误' }, { ...wang, headers: key });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'open', claimedBy: null, decision: null, approvals: [{ by: { name: '王芳' }, at: expect.any(String), reason: '执照核对无误' }] });
    expect(first.body.history.map((h: { action: string; by?: { name: string } }) => `${h.action}${h.by ? `:${h.by.name}` : ''}`)).toEqual(['opened', 'claimed:王芳', 'approved:王芳']);
    expect(await getChange(baseUrl, change.id)).toMatchObject({ status: 'in_progress', step: 'awaiting_review' });

    const twice = await api.post(path, { decision: 'approve' }, wang);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('SECOND_REVIEWER_REQUIRED');
    const retried = await api.post(path, { decision: 'approve', reason: '执照核对无误' }, { ...wang, headers: key });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);

    const audit = async () => (await api.get(`/v1/admin/audit-events?processId=${change.id}&limit=100`, { token: KEYS.admin })).body.items.map((e: { action: string }) => e.action);
    expect(await audit()).not.toContain('review.decided');
    const second = await api.post(path, { decision: 'approve' }, li);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ status: 'decided', decision: { decision: 'approve', by: { name: 'li.lei' } } });
    expect(second.body.approvals.map((a: { by: { name: string } }) => a.by.name)).toEqual(['王芳', 'li.lei']);
    expect(await getChange(baseUrl, change.id)).toMatchObject({ step: 'awaiting_new_subject' });
    expect(await audit()).toEqual(expect.arrayContaining(['review.approved', 'review.decided']));
  });

  it('an approval, then the applicant revokes: the review closes with its approval and no decision', async () => {
    const { change } = await entityChangeInReview();
    await firstApproval(baseUrl, change.reviewId);
    expect((await api.post(`/v1/changes/${change.id}/revoke`)).status).toBe(200);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'revoked' });
    expect((await api.get(`/v1/reviews/${change.reviewId}`, reviewer)).body).toMatchObject({ status: 'closed', decision: null, approvals: [{ by: { name: '复核员甲' } }] });
  });
});

describe('enterprise name change', () => {
  it('is automatic when the registry confirms the new name for the 91/92 code: 201 already completed', async () => {
    const accountId = uniqueAccount();
    const { enterprise: e } = await verifiedEnterprise(baseUrl, accountId);
    const newName = `${e.name.slice(0, -6)}新名称有限公司`;
    await register(baseUrl, e, { name: newName });
    const change = await requestAfterCooldown(baseUrl, accountId, { type: 'enterprise_name_change', newName });
    expect(change).toMatchObject({ status: 'completed', type: 'enterprise_name_change' });
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account.verification.subject).toMatchObject({ name: newName, creditCode: e.code });
    expect((await api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName: newName })).body.match).toBe(true);
  });

  it('goes through materials and review when the registry does not confirm it', async () => {
    const accountId = uniqueAccount();
    const { enterprise: e } = await verifiedEnterprise(baseUrl, accountId);
    const newName = `${e.name.slice(0, -6)}改名有限公司`;
    const change = await requestAfterCooldown(baseUrl, accountId, { type: 'enterprise_name_change', newName });
    expect(change).toMatchObject({ step: 'awaiting_materials', nextAction: { type: 'submit_materials', required: ['change_application_form', 'name_change_proof', 'current_license'] } });
    const materials = await uploadMaterials(baseUrl, accountId, ['change_application_form', 'name_change_proof', 'current_license']);
    const inReview = (await api.post(`/v1/changes/${change.id}/materials`, { materials })).body;
    expect((await api.get(`/v1/reviews/${inReview.reviewId}`, reviewer)).body.kind).toBe('enterprise_name_change');
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.name).toBe(e.name);
    const decided = await decide(inReview.reviewId, 'approve');
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(await getChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.name).toBe(newName);
  });
});

describe('legal representative update', () => {
  it('the registry names the new legal person, who passes face recognition: the subject stays, the legal person is recorded', async () => {
    const accountId = uniqueAccount();
    const { enterprise: e } = await verifiedEnterprise(baseUrl, accountId);
    const newLegalPerson = { name: '孙新法人', idNumber: mainlandId('1980-10-10') };
    await register(baseUrl, e, { legalRepresentative: newLegalPerson });
    const change = await requestAfterCooldown(baseUrl, accountId, { type: 'legal_representative_update', newLegalPerson, method: 'face' });
    expect(change).toMatchObject({ step: 'awaiting_new_person_face', nextAction: { provider: 'face', purpose: 'new_person' } });
    await passFace(baseUrl, change.nextAction.ticket);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account.verification.subject).toMatchObject({ name: e.name, creditCode: e.code, legalPerson: { name: '孙新法人' } });
    expect(account.verification.subject.legalPerson.idNumber).not.toBe(newLegalPerson.idNumber);
    const admin = (await api.get(`/v1/accounts/${accountId}`, { token: KEYS.admin })).body;
    expect(admin.verification.subject.legalPerson.idNumber).toBe(newLegalPerson.idNumber);
  });

  it('by WeChat: the new legal person’s own WeChat verifies only with a linked bank card (SPEC §4)', async () => {
    for (const bankCardLinked of [false, true]) {
      const accountId = uniqueAccount();
      const { enterprise: e } = await verifiedEnterprise(baseUrl, accountId);
      const newLegalPerson = { name: '吴新法人', idNumber: mainlandId('1981-11-11') };
      await register(baseUrl, e, { legalRepresentative: newLegalPerson });
      const change = await requestAfterCooldown(baseUrl, accountId, { type: 'legal_representative_update', newLegalPerson, method: 'wechat_qr' });
      expect(change).toMatchObject({ step: 'awaiting_new_person_scan', nextAction: { provider: 'wechat', purpose: 'new_person' } });
      const scanned = await api.post('/sandbox/wechat/scans', { ticket: change.nextAction.ticket, realName: newLegalPerson.name, idNumber: newLegalPerson.idNumber, bankCardLinked }, { token: null });
      expect(scanned.status, JSON.stringify(scanned.body)).toBe(202);
      expect(await settledChange(baseUrl, change.id)).toMatchObject(bankCardLinked ? { status: 'completed' } : { status: 'failed', failureReason: 'BANK_CARD_REQUIRED' });
    }
  });

  it('fails LEGAL_PERSON_MISMATCH when the registry names someone else, and is refused for codes not starting 91/92', async () => {
    const accountId = uniqueAccount();
    await verifiedEnterprise(baseUrl, accountId);
    const change = await requestAfterCooldown(baseUrl, accountId, { type: 'legal_representative_update', newLegalPerson: { name: '周某', idNumber: mainlandId() }, method: 'wechat_qr' });
    expect(change).toMatchObject({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' });

    const institution = uniqueAccount();
    await verifiedEnterprise(baseUrl, institution, enterprise('12'));
    const refused = await api.post(`/v1/accounts/${institution}/changes`, { type: 'legal_representative_update', newLegalPerson: { name: '周某', idNumber: mainlandId() }, method: 'face' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CHANGE_NOT_ALLOWED');
  });
});
