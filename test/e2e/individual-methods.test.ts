import { describe, expect, inject, it } from 'vitest';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';

const api = http(inject('baseUrl'));
const sandbox = (path: string, body: unknown) => api.post(path, body, { token: null });

async function start(accountId: string, body: ReturnType<typeof individualBody>) {
  const res = await api.post(`/v1/accounts/${accountId}/verifications`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const get = async (id: string) => (await api.get(`/v1/verifications/${id}`)).body;

/** A date `years` years before today in China, minus `days` days (so 18 years + 0 days is the 18th birthday). */
function birthDateYearsAgo(years: number, days = 0): string {
  const china = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(china.getUTCFullYear() - years, china.getUTCMonth(), china.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

describe('QQ QR verification', () => {
  it('verifies at once when QQ has a linked bank card', async () => {
    const idNumber = mainlandId();
    const v = await start(uniqueAccount('qq'), individualBody({ method: 'qq_qr', idNumber }));
    expect(v.nextAction).toMatchObject({ type: 'scan_qr', provider: 'qq', qrContent: expect.stringContaining(v.nextAction.ticket) });
    const scan = await sandbox('/sandbox/qq/scans', { ticket: v.nextAction.ticket, realName: '张三', idNumber, bankCardLinked: true });
    expect(scan.body).toMatchObject({ delivered: true, processed: true });
    expect(await get(v.id)).toMatchObject({ status: 'verified', method: 'qq_qr' });
  });

  it('without a card, waits for the card to be linked, then verifies', async () => {
    const accountId = uniqueAccount('qq');
    const idNumber = mainlandId();
    const v = await start(accountId, individualBody({ method: 'qq_qr', idNumber }));
    await sandbox('/sandbox/qq/scans', { ticket: v.nextAction.ticket, realName: '张三', idNumber, bankCardLinked: false });

    const waiting = await get(v.id);
    expect(waiting).toMatchObject({ status: 'in_progress', step: 'awaiting_bank_card', nextAction: { type: 'link_bank_card', ticket: expect.any(String) } });
    expect(waiting.nextAction.ticket).not.toBe(v.nextAction.ticket);
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.status).toBe('unverified');
    // No fresh QR while waiting for the card.
    expect((await api.post(`/v1/verifications/${v.id}/qr`)).body.code).toBe('PROCESS_NOT_OPEN');

    const link = await sandbox('/sandbox/qq/bank-card-links', { ticket: waiting.nextAction.ticket });
    expect(link.status).toBe(202);
    expect(await get(v.id)).toMatchObject({ status: 'verified', step: null, nextAction: null });
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification).toMatchObject({ status: 'verified', method: 'qq_qr' });
    expect((await sandbox('/sandbox/qq/bank-card-links', { ticket: waiting.nextAction.ticket })).status).toBe(409);
  });

  it('applies the same match rule as WeChat', async () => {
    const idNumber = mainlandId();
    const v = await start(uniqueAccount('qq'), individualBody({ method: 'qq_qr', idNumber }));
    await sandbox('/sandbox/qq/scans', { ticket: v.nextAction.ticket, realName: '王五', idNumber, bankCardLinked: true });
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'IDENTITY_MISMATCH' });
  });

  it('refuses a bank-card link for an unknown ticket and a WeChat scan of a QQ ticket', async () => {
    expect((await sandbox('/sandbox/qq/bank-card-links', { ticket: 'qqt_nope' })).body.code).toBe('NOT_FOUND');
    const v = await start(uniqueAccount('qq'), individualBody({ method: 'qq_qr' }));
    const wrongApp = await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName: '张三', idNumber: mainlandId(), bankCardLinked: true });
    expect(wrongApp.status).toBe(404);
  });
});

describe('face recognition', () => {
  it('gives each attempt a new ticket and verifies on a passing attempt', async () => {
    const v = await start(uniqueAccount('face'), individualBody({ method: 'face' }));
    expect(v).toMatchObject({ step: 'awaiting_face', nextAction: { type: 'scan_qr', provider: 'face', attemptsLeft: 3 } });

    const failed = await sandbox('/sandbox/face/results', { ticket: v.nextAction.ticket, passed: false });
    expect(failed.body.processed).toBe(true);
    const second = await get(v.id);
    expect(second).toMatchObject({ status: 'in_progress', step: 'awaiting_face', nextAction: { attemptsLeft: 2 } });
    expect(second.nextAction.ticket).not.toBe(v.nextAction.ticket);
    // The used ticket cannot be tried again.
    expect((await sandbox('/sandbox/face/results', { ticket: v.nextAction.ticket, passed: true })).status).toBe(409);

    await sandbox('/sandbox/face/results', { ticket: second.nextAction.ticket, passed: true });
    expect(await get(v.id)).toMatchObject({ status: 'verified', method: 'face' });
  });

  it('ends FACE_MISMATCH after the third failed attempt', async () => {
    const accountId = uniqueAccount('face');
    const v = await start(accountId, individualBody({ method: 'face' }));
    let ticket = v.nextAction.ticket as string;
    for (const left of [2, 1]) {
      await sandbox('/sandbox/face/results', { ticket, passed: false });
      const now = await get(v.id);
      expect(now.nextAction.attemptsLeft).toBe(left);
      ticket = now.nextAction.ticket;
    }
    await sandbox('/sandbox/face/results', { ticket, passed: false });
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'FACE_MISMATCH' });
    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body.items;
    expect(messages[0].body).toContain('face recognition failed');
  });

  it('is for mainland IDs only', async () => {
    const res = await api.post(`/v1/accounts/${uniqueAccount()}/verifications`, individualBody({ method: 'face', idType: 'taiwan_permit', idNumber: '12345678' }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('METHOD_NOT_ELIGIBLE');
  });
});

describe('Hong Kong, Macao and Taiwan permit holders', () => {
  it.each([
    ['hk_macao_permit', 'H12345678'],
    ['hk_macao_permit', 'M1234567890'],
    ['taiwan_permit', '12345678'],
    ['taiwan_permit', '1234567890'],
  ])('verify by WeChat QR with %s %s, the age taken from WeChat’s record', async (idType, idNumber) => {
    const accountId = uniqueAccount('permit');
    const v = await start(accountId, individualBody({ idType, idNumber, realName: '陳大文' }));
    expect(v.subject.idNumber).not.toBe(idNumber);
    expect(v.subject.idNumber).toContain('*');
    // WeChat's record of a permit holder carries the birth date: the holder turned 18 today.
    await sandbox('/sandbox/wechat/scans', {
      ticket: v.nextAction.ticket,
      realName: '陳大文',
      idNumber,
      idType,
      birthDate: birthDateYearsAgo(18),
      bankCardLinked: true,
    });
    expect(await get(v.id)).toMatchObject({ status: 'verified' });
    const lookup = await api.post('/v1/admin/identity-lookups', { idType, idNumber }, { token: KEYS.admin });
    expect(lookup.body.accounts).toContain(accountId);
  });

  it('verifies a permit holder whose sandbox scan names no birth date (the sandbox record is an adult’s)', async () => {
    const v = await start(uniqueAccount('permit'), individualBody({ idType: 'taiwan_permit', idNumber: '87654321', realName: '林大同' }));
    await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName: '林大同', idNumber: '87654321', idType: 'taiwan_permit', bankCardLinked: true });
    expect(await get(v.id)).toMatchObject({ status: 'verified' });
  });

  it('fails UNDERAGE when the record shows the holder is 17 (one day short of 18)', async () => {
    const idNumber = 'M87654321';
    const v = await start(uniqueAccount('permit'), individualBody({ idType: 'hk_macao_permit', idNumber, realName: '陳小文' }));
    await sandbox('/sandbox/wechat/scans', {
      ticket: v.nextAction.ticket,
      realName: '陳小文',
      idNumber,
      idType: 'hk_macao_permit',
      birthDate: birthDateYearsAgo(18, 1),
      bankCardLinked: true,
    });
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'UNDERAGE' });
  });

  it.each([
    ['hk_macao_permit', 'H1234567'],
    ['hk_macao_permit', 'K12345678'],
    ['taiwan_permit', '123456789'],
    ['mainland_id', 'H12345678'],
  ])('refuses a malformed number (%s %s) with ID_NUMBER_INVALID', async (idType, idNumber) => {
    const res = await api.post(`/v1/accounts/${uniqueAccount()}/verifications`, individualBody({ idType, idNumber }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('ID_NUMBER_INVALID');
  });

  it('refuses QQ for permit holders', async () => {
    const res = await api.post(`/v1/accounts/${uniqueAccount()}/verifications`, individualBody({ method: 'qq_qr', idType: 'taiwan_permit', idNumber: '12345678' }));
    expect(res.body.code).toBe('METHOD_NOT_ELIGIBLE');
  });
});

describe("the account's own view", () => {
  it('lists the methods each document may use, with the recommended one', async () => {
    const accountId = uniqueAccount();
    const options = async (idType: string) => (await api.get(`/v1/accounts/${accountId}/verification-options?subjectType=individual&idType=${idType}`)).body;
    const mainland = await options('mainland_id');
    expect(mainland.recommended).toBe('wechat_qr');
    expect(mainland.methods).toEqual([
      { method: 'wechat_qr', eligible: true, completes: 'instant' },
      { method: 'qq_qr', eligible: true, completes: 'instant' },
      { method: 'face', eligible: true, completes: 'instant' },
    ]);
    const permit = await options('hk_macao_permit');
    expect(permit.methods.filter((m: { eligible: boolean }) => m.eligible).map((m: { method: string }) => m.method)).toEqual(['wechat_qr']);
    expect(permit.methods[1]).toMatchObject({ method: 'qq_qr', eligible: false, reason: 'METHOD_NOT_ELIGIBLE' });
    const passport = await options('passport');
    expect(passport.recommended).toBeNull();
    expect(passport.methods.every((m: { reason: string }) => m.reason === 'INTERNATIONAL_SITE_REQUIRED')).toBe(true);
    expect((await api.get(`/v1/accounts/${accountId}/verification-options`)).status).toBe(422);
  });

  it('checks an ICP filing name against the verified name', async () => {
    const accountId = uniqueAccount('icp');
    const check = (filingEntityName: string) => api.post(`/v1/accounts/${accountId}/icp-name-check`, { filingEntityName });
    expect((await check('张三')).body.code).toBe('NOT_VERIFIED');

    const idNumber = mainlandId();
    const v = await start(accountId, individualBody({ idNumber, realName: '张三' }));
    await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName: '张三', idNumber, bankCardLinked: true });
    expect((await check(' 张三 ')).body).toEqual({ match: true, verifiedName: '张三' });
    expect((await check('张四')).body).toEqual({ match: false, verifiedName: '张三' });
  });

  it('pages its verifications newest first, and posts a message for every outcome', async () => {
    const accountId = uniqueAccount('pages');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const v = await start(accountId, individualBody());
      ids.push(v.id);
      expect((await api.post(`/v1/verifications/${v.id}/cancel`)).body.status).toBe('cancelled');
    }
    const first = (await api.get(`/v1/accounts/${accountId}/verifications?limit=2`)).body;
    expect(first.items.map((v: { id: string }) => v.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await api.get(`/v1/accounts/${accountId}/verifications?limit=2&cursor=${first.nextCursor}`)).body;
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    // A limit over 100 is capped, not refused.
    const capped = await api.get(`/v1/accounts/${accountId}/verifications?limit=500`);
    expect(capped.status).toBe(200);
    expect(capped.body.items).toHaveLength(3);
    expect((await api.get(`/v1/accounts/${accountId}/verifications?limit=0`)).status).toBe(422);
    expect((await api.get(`/v1/accounts/${accountId}/verifications?cursor=garbage`)).body.code).toBe('VALIDATION_FAILED');

    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body.items;
    expect(messages).toHaveLength(3);
    expect(messages.every((m: { title: string; read: boolean }) => m.title.includes('cancelled') && m.read === false)).toBe(true);
  });
});
