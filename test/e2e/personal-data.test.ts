import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { uploadFile } from '../../scripts/lib/files';
import { scanWechat, verifiedIndividual } from '../support/changes';
import { decodedByCodec, startInput } from '../support/history';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * The right of access (SPEC §11, API.md GET /v1/accounts/{id}/personal-data):
 * one document with every process's personal data, where it came from and
 * until when it is kept; masked except to admins; placeholders after closure.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const DAY = 24 * 3600_000;

describe('GET /v1/accounts/{accountId}/personal-data', () => {
  it('lists what is held and until when, masked but to admins, and placeholders once the account closed', async () => {
    const accountId = uniqueAccount('access');
    const idNumber = mainlandId('1983-06-15');
    const realName = `周${randomUUID().slice(0, 4)}`;
    // A first attempt by someone else's WeChat fails; the second verifies.
    const first = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody({ realName, idNumber }));
    await scanWechat(baseUrl, first.body.nextAction.ticket, { realName: '路人甲', idNumber });
    await eventually(async () => expect((await api.get(`/v1/verifications/${first.body.id}`)).body.status).toBe('failed'));
    await verifiedIndividual(baseUrl, accountId, { realName, idNumber });
    const upload = await uploadFile(baseUrl, accountId, 'id_photo_portrait');

    const asService = (await api.get(`/v1/accounts/${accountId}/personal-data`)).body;
    expect(asService).toMatchObject({ accountId, closed: false, uploads: [{ id: upload.id, purpose: 'id_photo_portrait', erased: false }] });
    const failed = asService.processes.find((p: { id: string }) => p.id === first.body.id);
    expect(failed).toMatchObject({ kind: 'verification', status: 'failed', erased: false, personalData: { realName, idNumber: `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}` } });
    expect(Date.parse(failed.keptUntil) - Date.parse(failed.completedAt)).toBe(90 * DAY);
    const verified = asService.processes.find((p: { status: string }) => p.status === 'verified');
    expect(verified).toMatchObject({ keptUntil: null, retention: expect.stringMatching(/while the account is verified/) });
    expect(JSON.stringify(asService)).not.toContain(idNumber);

    const asAdmin = (await api.get(`/v1/accounts/${accountId}/personal-data`, { token: KEYS.admin })).body;
    expect(asAdmin.processes.find((p: { status: string }) => p.status === 'verified').personalData.idNumber).toBe(idNumber);
    const token = (await api.post('/v1/admin/account-tokens', { accountId })).body.token as string;
    expect((await api.get(`/v1/accounts/${accountId}/personal-data`, { token })).status).toBe(200);

    const closing = await api.post(`/v1/accounts/${accountId}/closure`, { reason: 'the person asked' }, { headers: { 'idempotency-key': `close-${randomUUID()}` } });
    expect(closing.status, JSON.stringify(closing.body)).toBe(202);
    await eventually(async () => expect((await api.get(`/v1/accounts/${accountId}/closure`)).body.status).toBe('completed'), { timeoutMs: 20_000, intervalMs: 200 });
    const after = (await api.get(`/v1/accounts/${accountId}/personal-data`, { token: KEYS.admin })).body;
    expect(after).toMatchObject({ closed: true, uploads: [{ id: upload.id, erased: true }] });
    for (const p of after.processes) expect(p).toMatchObject({ erased: true, keptUntil: null, personalData: { realName: '[erased]', idNumber: '[erased]' } });
    expect(JSON.stringify(after)).not.toContain(realName);

    // What operators read of the closed account's runs in the Temporal UI: the codec shows [erased] (after its key cache lapses).
    for (const p of after.processes as { id: string }[]) {
      const input = await startInput(`verification/${p.id}`);
      await eventually(async () => {
        const shown = await decodedByCodec(input);
        expect(shown).toContain('"realName":"[erased]"');
        expect(shown).not.toContain(idNumber);
      }, { timeoutMs: 20_000, intervalMs: 500 });
    }
  });
});
