import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { finishChange, openChange, recordChangeProgress, type NewChange } from '../../store/changes';
import * as repo from '../../store/verifications';
import type { ChangeType } from '../../domain/change-rules';
import type { SubjectType } from '../../domain/constants';
import { newId } from '../../platform/ids';
import { http, KEYS, uniqueAccount } from '../support/http';

/** A face step's next action as a workflow writes it (the contract every GET is checked against). */
const FACE_ACTION = { type: 'scan_qr', provider: 'face', ticket: 't-1', qrContent: 'qr', expiresAt: '2026-12-07T00:10:00.000Z', expired: false, refreshesLeft: 5, attemptsLeft: 3, purpose: 'holder' } as const;

/**
 * Opening a change against the real PostgreSQL: the refusals of API.md in
 * their order, checked in the transaction that claims the account's single
 * open-process slot; finishing releases it.
 */
const DAY = 24 * 3600_000;
const COOLDOWN = 30 * DAY;
const MESSAGE = { title: 't', body: 'b' };
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
});
afterAll(async () => {
  await db?.destroy();
});

/** An account verified now, as an individual or as an enterprise with `creditCode`. */
async function verifiedAccount(subjectType: SubjectType, creditCode = '91350100M000100Y43') {
  const accountId = uniqueAccount('chg');
  const verificationId = newId('ver');
  // As a verification writes it (masked), so the account view is what the contract describes.
  const subject =
    subjectType === 'individual'
      ? { realName: '张三', idType: 'mainland_id', idNumber: '1101**********1234', industry: 'internet', address: { region: '北京市', detail: '1 号' } }
      : { name: '北京某某科技有限公司', creditCode };
  await repo.openVerification(db, {
    id: verificationId,
    accountId,
    workflowId: `verification/${verificationId}`,
    subjectType,
    method: subjectType === 'individual' ? 'wechat_qr' : 'legal_person_face',
    subject,
    idNumberEnc: null,
    identityHash: randomBytes(16).toString('hex'),
    expiresAt: null,
  });
  await repo.completeVerification(db, { verificationId, revision: 1, messages: { verified: MESSAGE, quotaExceeded: MESSAGE } });
  return accountId;
}

const change = (accountId: string, type: ChangeType): NewChange => {
  const id = newId('chg');
  return { id, accountId, workflowId: `change/${id}`, type, request: { type }, requestEnc: null, expiresAt: new Date(Date.now() + 7 * DAY), cooldownMs: COOLDOWN };
};
const later = (days: number) => new Date(Date.now() + days * DAY);
const slot = (accountId: string) => db<{ id: string; open_process_kind: string | null; open_process_id: string | null }>('accounts').where({ id: accountId }).first('open_process_kind', 'open_process_id');

describe('openChange', () => {
  it('refuses an account without a verified subject: NOT_VERIFIED', async () => {
    expect(await openChange(db, change(uniqueAccount('chg'), 'individual_to_enterprise'))).toEqual({ opened: false, refusal: { code: 'NOT_VERIFIED' } });
  });

  it('an individual may become an enterprise at once; the change holds the account’s slot', async () => {
    const accountId = await verifiedAccount('individual');
    const c = change(accountId, 'individual_to_enterprise');
    expect(await openChange(db, c)).toEqual({ opened: true });
    // A retried activity opens it once.
    expect(await openChange(db, c)).toEqual({ opened: true });
    expect(await slot(accountId)).toEqual({ open_process_kind: 'change', open_process_id: c.id });
    // Meanwhile a second change is refused, whatever its type.
    expect((await openChange(db, change(accountId, 'individual_to_individual'), later(40))).opened).toBe(false);
    expect(await openChange(db, change(accountId, 'individual_to_enterprise'))).toMatchObject({ refusal: { code: 'PROCESS_ALREADY_OPEN' } });
  });

  it('another person within 30 days: CHANGE_COOLDOWN with the time it becomes possible', async () => {
    const accountId = await verifiedAccount('individual');
    const { last_completed_at: verifiedAt } = (await db<{ id: string; last_completed_at: Date }>('accounts').where({ id: accountId }).first('last_completed_at'))!;
    const refused = await openChange(db, change(accountId, 'individual_to_individual'), later(29));
    expect(refused).toEqual({ opened: false, refusal: { code: 'CHANGE_COOLDOWN', allowedFrom: new Date(verifiedAt.getTime() + COOLDOWN) } });
    expect(await openChange(db, change(accountId, 'individual_to_individual'), later(31))).toEqual({ opened: true });
  });

  it('an enterprise never becomes an individual’s, before any other refusal: CHANGE_NOT_ALLOWED', async () => {
    const accountId = await verifiedAccount('enterprise');
    await db('accounts').where({ id: accountId }).update({ open_process_kind: 'verification', open_process_id: 'ver_other' });
    expect(await openChange(db, change(accountId, 'individual_to_individual'))).toMatchObject({ opened: false, refusal: { code: 'CHANGE_NOT_ALLOWED' } });
    expect(await openChange(db, change(accountId, 'enterprise_name_change'))).toMatchObject({ opened: false, refusal: { code: 'PROCESS_ALREADY_OPEN' } });
  });

  it('a legal-representative update only for 91/92 codes', async () => {
    const other = await verifiedAccount('enterprise', '52100000MJ0000000X');
    expect(await openChange(db, change(other, 'legal_representative_update'), later(31))).toMatchObject({ refusal: { code: 'CHANGE_NOT_ALLOWED' } });
    const company = await verifiedAccount('enterprise');
    expect(await openChange(db, change(company, 'legal_representative_update'), later(31))).toEqual({ opened: true });
  });
});

describe('recordChangeProgress and finishChange', () => {
  it('writes steps in revision order, ends once, and frees the account for the next change', async () => {
    const accountId = await verifiedAccount('individual');
    const c = change(accountId, 'individual_to_enterprise');
    await openChange(db, c);
    expect(await recordChangeProgress(db, { changeId: c.id, revision: 2, step: 'awaiting_holder_face', nextAction: { type: 'scan_qr' } })).toBe(true);
    expect(await recordChangeProgress(db, { changeId: c.id, revision: 1, step: 'stale', nextAction: null })).toBe(false);
    const revoked = { status: 'revoked' as const, failureReason: null };
    expect(await finishChange(db, { changeId: c.id, revision: 3, outcome: revoked, message: MESSAGE })).toEqual(revoked);
    // A retry reports what it became; a later end changes nothing.
    expect(await finishChange(db, { changeId: c.id, revision: 4, outcome: { status: 'expired', failureReason: null }, message: MESSAGE })).toEqual(revoked);
    expect(await db('changes').where({ id: c.id }).first('status', 'step')).toEqual({ status: 'revoked', step: null });
    expect(await slot(accountId)).toEqual({ open_process_kind: null, open_process_id: null });
    expect(await openChange(db, change(accountId, 'individual_to_enterprise'))).toEqual({ opened: true });
  });
});

describe('GET /v1/changes/{id} and GET /v1/accounts/{id}/changes', () => {
  const api = http(inject('baseUrl'));

  it('show a change as API.md has it, newest first, and only to its own account', async () => {
    const accountId = await verifiedAccount('individual');
    const first = change(accountId, 'individual_to_enterprise');
    await openChange(db, first);
    await recordChangeProgress(db, { changeId: first.id, revision: 1, step: 'awaiting_holder_face', nextAction: FACE_ACTION });
    const shown = await api.get(`/v1/changes/${first.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      id: first.id,
      accountId,
      type: 'individual_to_enterprise',
      status: 'in_progress',
      step: 'awaiting_holder_face',
      nextAction: FACE_ACTION,
      failureReason: null,
      createdAt: expect.any(String),
      expiresAt: first.expiresAt.toISOString(),
      completedAt: null,
    });
    await finishChange(db, { changeId: first.id, revision: 2, outcome: { status: 'revoked', failureReason: null }, message: MESSAGE });
    const second = change(accountId, 'individual_to_enterprise');
    await openChange(db, second);

    const listed = await api.get(`/v1/accounts/${accountId}/changes`);
    expect(listed.body.items.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [second.id, 'in_progress'],
      [first.id, 'revoked'],
    ]);
    expect((await api.get(`/v1/accounts/${accountId}`)).body.openProcess).toEqual({ kind: 'change', id: second.id });

    const token = (await api.post('/v1/admin/account-tokens', { accountId: uniqueAccount('other'), ttlSeconds: 600 }, { token: KEYS.admin })).body.token as string;
    expect((await api.get(`/v1/changes/${first.id}`, { token })).status).toBe(404);
    expect((await api.get(`/v1/changes/chg_doesnotexist1`)).body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await api.get('/v1/changes/ver_notachange1')).body).toMatchObject({ code: 'NOT_FOUND' });
  });
});
