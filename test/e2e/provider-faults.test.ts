import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterprise, enterpriseBody, organizationCode, register } from '../support/enterprise';
import { uploadFile } from '../../scripts/lib/files';
import { http, individualBody, KEYS, uniqueAccount } from '../support/http';
import { startOwnStack, type OwnStack } from '../support/own-stack';

/**
 * The sandbox's fault switch through HTTP, on a stack of its own (the switch is
 * global: flipping it on the shared stack would break the tests running beside
 * this one): its own database and task queue, a worker and an API, with
 * PROVIDER_CALL_TIMEOUT short enough to wait out.
 */
let stack: OwnStack;
let api: ReturnType<typeof http>;
let baseUrl: string;

beforeAll(async () => {
  stack = await startOwnStack('faults', { PROVIDER_CALL_TIMEOUT: '4s' });
  ({ api, baseUrl } = stack);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const fault = (provider: string, down: unknown) => api.put(`/sandbox/faults/${provider}`, { down }, { token: null });

describe('PUT /sandbox/faults/{provider}', () => {
  it('sets the switch, and refuses unknown providers and bodies', async () => {
    expect(await fault('registry', false)).toMatchObject({ status: 200, body: { provider: 'registry', down: false } });
    expect((await fault('telegraph', true)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await fault('bank', 'yes')).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('OCR down: the synchronous reading answers 503 PROVIDER_UNAVAILABLE, and works again once it is back', async () => {
    const accountId = uniqueAccount('ocr');
    const license = await uploadFile(baseUrl, accountId, 'business_license');
    expect(await fault('ocr', true)).toMatchObject({ status: 200, body: { provider: 'ocr', down: true } });
    const refused = await api.post('/v1/ocr/business-license', { uploadId: license.id });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect(refused.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    await fault('ocr', false);
    expect((await api.post('/v1/ocr/business-license', { uploadId: license.id })).status).toBe(200);
  });

  it('registry down past PROVIDER_CALL_TIMEOUT: the verification fails PROVIDER_UNAVAILABLE and the account is free at once', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('reg');
    await fault('registry', true);
    try {
      const failed = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'legal_person_face', e));
      expect(failed.status, JSON.stringify(failed.body)).toBe(201);
      expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'PROVIDER_UNAVAILABLE', nextAction: null });
      // While it is still down, the user may start again (and it fails again, cleanly).
    } finally {
      await fault('registry', false);
    }
    const again = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'legal_person_face', e));
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body).toMatchObject({ status: 'in_progress', step: 'awaiting_face' });
  });

  it('registry down: a registration number or organisation code is not counted apart (503, nothing started); it starts under the credit code once back', async () => {
    const e = enterprise();
    const org = organizationCode();
    await register(baseUrl, e, { formerCodes: [org] });
    const accountId = uniqueAccount('reg');
    const body = await enterpriseBody(baseUrl, accountId, 'legal_person_face', { ...e, code: org }, { licenseType: 'non_business_license' });
    const create = () => api.post(`/v1/accounts/${accountId}/verifications`, body, { headers: { 'idempotency-key': `reg-${accountId}` } });
    await fault('registry', true);
    try {
      for (const refused of [
        await create(),
        await api.post('/v1/admin/identity-lookups', { creditCode: org }, { token: KEYS.admin }),
        await api.put(`/v1/admin/enterprise-quotas/${org}`, { limit: 20 }, { token: KEYS.admin }),
      ]) {
        expect(refused.status, JSON.stringify(refused.body)).toBe(503);
        expect(refused.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect((await api.get(`/v1/accounts/${accountId}/verifications`)).body.items).toEqual([]);
      expect((await api.get(`/v1/accounts/${accountId}`)).body.openProcess).toBeNull();
    } finally {
      await fault('registry', false);
    }
    const started = await create();
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await api.post('/sandbox/face/results', { ticket: started.body.nextAction.ticket, passed: true }, { token: null });
    expect((await api.get(`/v1/verifications/${started.body.id}`)).body.status).toBe('verified');
    expect((await api.post('/v1/admin/identity-lookups', { creditCode: e.code }, { token: KEYS.admin })).body.accounts).toEqual([accountId]);
  });

  it('WeChat down: the QR cannot be issued, the verification fails PROVIDER_UNAVAILABLE; the user scans once it is back', async () => {
    const accountId = uniqueAccount('wx');
    await fault('wechat', true);
    let failed;
    try {
      failed = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody());
    } finally {
      await fault('wechat', false);
    }
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'PROVIDER_UNAVAILABLE' });
    const body = individualBody();
    const v = (await api.post(`/v1/accounts/${accountId}/verifications`, body)).body;
    expect(v).toMatchObject({ status: 'in_progress', nextAction: { type: 'scan_qr', provider: 'wechat' } });
    const scan = await api.post(
      '/sandbox/wechat/scans',
      { ticket: v.nextAction.ticket, realName: body.individual.realName, idNumber: body.individual.idNumber, bankCardLinked: true },
      { token: null },
    );
    expect(scan.body).toMatchObject({ delivered: true, processed: true });
    expect((await api.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'verified' });
  });

  it('notifications down: the outcome stands, nothing is sent', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('ntf');
    await fault('notify', true);
    try {
      const v = (await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'wechat_official_account', e))).body;
      const scan = await api.post('/sandbox/wechat/official-account-scans', { ticket: v.nextAction.ticket, certified: true, enterpriseName: e.name }, { token: null });
      expect(scan.body).toMatchObject({ delivered: true, processed: true });
      expect((await api.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'verified' });
      expect((await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items).toEqual([]);
    } finally {
      await fault('notify', false);
    }
  });
});
