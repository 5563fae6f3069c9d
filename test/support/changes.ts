import { expect } from 'vitest';
import { eventually } from './temporal-test-env';
import { enterprise, enterpriseBody, register, type EnterpriseBodyOptions, type EnterpriseFixture } from './enterprise';
import { uploadFile } from '../../scripts/lib/files';
import { http, individualBody, KEYS, mainlandId } from './http';

/** Helpers for changes of subject, over HTTP and the sandbox only. */

export async function scanWechat(baseUrl: string, ticket: string, person: { realName: string; idNumber: string; idType?: string; birthDate?: string }) {
  const res = await http(baseUrl).post('/sandbox/wechat/scans', { bankCardLinked: true, ...person, ticket }, { token: null });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

export async function passFace(baseUrl: string, ticket: string, passed = true) {
  const res = await http(baseUrl).post('/sandbox/face/results', { ticket, passed }, { token: null });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

/** An account verified by WeChat QR as a mainland ID holder (or a permit holder with `idType`). */
export async function verifiedIndividual(baseUrl: string, accountId: string, person: { realName?: string; idNumber?: string; idType?: string; birthDate?: string } = {}) {
  const api = http(baseUrl);
  const realName = person.realName ?? '张三';
  const idNumber = person.idNumber ?? mainlandId('1985-04-04');
  const started = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody({ realName, idNumber, ...(person.idType ? { idType: person.idType } : {}) }));
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  await scanWechat(baseUrl, started.body.nextAction.ticket, { realName, idNumber, ...(person.idType ? { idType: person.idType, birthDate: person.birthDate ?? '1985-04-04' } : {}) });
  const account = (await api.get(`/v1/accounts/${accountId}`)).body;
  expect(account.verification.status).toBe('verified');
  return { realName, idNumber, account };
}

/** An account verified by legal-person face recognition as a (registered) enterprise. */
export async function verifiedEnterprise(baseUrl: string, accountId: string, e: EnterpriseFixture = enterprise(), options: EnterpriseBodyOptions = {}) {
  const api = http(baseUrl);
  await register(baseUrl, e);
  const started = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'legal_person_face', e, options));
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  await passFace(baseUrl, started.body.nextAction.ticket);
  const account = (await api.get(`/v1/accounts/${accountId}`)).body;
  expect(account.verification.status, JSON.stringify(account)).toBe('verified');
  return { enterprise: e, account };
}

/** Requests a change, waiting out the cooling-off when refused with CHANGE_COOLDOWN (the e2e stack runs with a short one). */
export async function requestAfterCooldown(baseUrl: string, accountId: string, body: Record<string, unknown>) {
  const first = await http(baseUrl).post(`/v1/accounts/${accountId}/changes`, body);
  if (first.status === 201) return first.body;
  expect(first.body.code, JSON.stringify(first.body)).toBe('CHANGE_COOLDOWN');
  await untilTime(first.body.allowedFrom);
  return requestChange(baseUrl, accountId, body);
}

export async function untilTime(iso: string) {
  const wait = Date.parse(iso) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
}

export async function requestChange(baseUrl: string, accountId: string, body: Record<string, unknown>, expected = 201) {
  const res = await http(baseUrl).post(`/v1/accounts/${accountId}/changes`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(expected);
  return res.body;
}

export async function getChange(baseUrl: string, id: string) {
  return (await http(baseUrl).get(`/v1/changes/${id}`)).body;
}

export async function settledChange(baseUrl: string, id: string) {
  return eventually(async () => {
    const change = await getChange(baseUrl, id);
    expect(change.status).not.toBe('in_progress');
    return change;
  });
}

/** Uploads every material of `purposes` for the account (`file`: the bytes of each, a fresh PNG otherwise): purpose → upload id. */
export async function uploadMaterials(baseUrl: string, accountId: string, purposes: string[], file?: (purpose: string) => Buffer) {
  const entries = await Promise.all(purposes.map(async (purpose) => [purpose, (await uploadFile(baseUrl, accountId, purpose, file?.(purpose))).id] as const));
  return Object.fromEntries(entries);
}

/** The new-subject body (an enterprise verification's, without subjectType) for `e` by `method`. */
export async function newSubjectBody(baseUrl: string, accountId: string, method: string, e: EnterpriseFixture, options: EnterpriseBodyOptions = {}) {
  const { subjectType: _subjectType, ...body } = await enterpriseBody(baseUrl, accountId, method, e, options);
  return body;
}

export { enterprise, register, type EnterpriseFixture };

/** A reviewer named `name` (a staff token minted by the admin). */
export async function namedReviewer(baseUrl: string, name: string) {
  const res = await http(baseUrl).post('/v1/admin/staff-tokens', { role: 'reviewer', name, ttlSeconds: 900 }, { token: KEYS.admin });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { token: res.body.token as string };
}

/** Four eyes (SPEC §6): an entity change's first approval, by a named reviewer; the review stays open for a second (e.g. the shared key's `reviewer`). */
export async function firstApproval(baseUrl: string, reviewId: string, name = '复核员甲') {
  const res = await http(baseUrl).post(`/v1/reviews/${reviewId}/decision`, { decision: 'approve' }, await namedReviewer(baseUrl, name));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ status: 'open', requiredApprovals: 2, approvals: [{ by: { name } }], decision: null });
  return res.body;
}
