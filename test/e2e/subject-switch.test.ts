import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openChange } from '../../store/changes';
import * as repo from '../../store/verifications';
import { switchSubject } from '../../activities/subject-switch';
import { createPiiCipher } from '../../platform/crypto';
import { newId } from '../../platform/ids';
import type { AccountRow } from '../../store/accounts';
import type { ChangeRequest } from '../../workflows/change-messages';
import { uniqueAccount } from '../support/http';
import { createProcessKeys, type ProcessKeys } from '../../platform/data-keys';
import { dataKeyStore } from '../../store/data-keys';

/**
 * The switch that completes a change, against the real PostgreSQL: one
 * transaction moves the quota slot, the subject and its sealed fields; a quota
 * that no longer fits changes nothing; a retry (a crash after the commit) finds
 * it done.
 */
const MESSAGES = { completed: { title: 'done', body: 'b' }, quotaExceeded: { title: 'quota', body: 'b' } };
const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
let db: Knex;
/** Rows from before per-process keys are sealed with the PII key; what a change writes, under the change's own key. */
let sealing: { cipher: typeof cipher; keys: ProcessKeys };

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
  sealing = { cipher, keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }) };
});
afterAll(async () => {
  await db?.destroy();
});

async function verifiedIndividual(identityHash: string) {
  const accountId = uniqueAccount('sw');
  const verificationId = newId('ver');
  await repo.openVerification(db, {
    id: verificationId,
    accountId,
    workflowId: `verification/${verificationId}`,
    subjectType: 'individual',
    method: 'wechat_qr',
    subject: { realName: '张三', idType: 'mainland_id', idNumber: '1101**********002X' },
    idNumberEnc: cipher.encrypt('11010519491231002X'),
    identityHash,
    expiresAt: null,
  });
  await repo.completeVerification(db, { verificationId, revision: 1, messages: { verified: MESSAGES.completed, quotaExceeded: MESSAGES.quotaExceeded } });
  // Long enough ago for any change.
  await db('accounts').where({ id: accountId }).update({ last_completed_at: new Date(Date.now() - 31 * 24 * 3600_000) });
  return accountId;
}

/** An open individual → individual change of the account to the person with `newIdentityHash`. */
async function openPersonChange(accountId: string, newIdentityHash: string) {
  const changeId = newId('chg');
  const request: ChangeRequest = {
    type: 'individual_to_individual',
    holder: { realName: '张三', idType: 'mainland_id', idNumber: '11010519491231002X' },
    newPerson: { realName: '李四', idType: 'mainland_id', idNumber: '110105199202020011', industry: 'internet', address: { region: '北京市', detail: '1 号' } },
    newIdentityHash,
  };
  const opened = await openChange(db, {
    id: changeId,
    accountId,
    workflowId: `change/${changeId}`,
    type: request.type,
    request: { type: request.type },
    requestEnc: cipher.encrypt(JSON.stringify(request)),
    expiresAt: new Date(Date.now() + 7 * 24 * 3600_000),
    cooldownMs: 30 * 24 * 3600_000,
  });
  expect(opened).toEqual({ opened: true });
  return changeId;
}

const account = (id: string) => db<AccountRow>('accounts').where({ id }).first();
const activeBindings = (identityHash: string) => db('identity_bindings').where({ identity_hash: identityHash }).whereNull('released_at').select('account_id');

describe('switchSubject', () => {
  it('moves the slot from the old identity to the new one with the subject, in one transaction; a retry finds it done', async () => {
    const oldHash = randomBytes(16).toString('hex');
    const newHash = randomBytes(16).toString('hex');
    const accountId = await verifiedIndividual(oldHash);
    const before = await account(accountId);
    const changeId = await openPersonChange(accountId, newHash);

    expect(await switchSubject(db, sealing, { changeId, revision: 5, messages: MESSAGES })).toEqual({ status: 'completed', failureReason: null });
    const after = (await account(accountId))!;
    expect(after).toMatchObject({ subject_type: 'individual', identity_hash: newHash, open_process_id: null, verification_id: null });
    // The new person's name is shown in the subject but sealed at rest, under the change's key (SPEC §11).
    expect(after.subject).toMatchObject({ realName: expect.stringMatching(new RegExp(`^pd1\\.${changeId}\\.`)), idNumber: '1101**********0011' });
    expect(await sealing.keys.open((after.subject as { realName: string }).realName)).toBe('李四');
    expect(await sealing.keys.open(after.subject_name!)).toBe('李四');
    expect(after.id_number_enc).toMatch(new RegExp(`^pd1\\.${changeId}\\.`));
    expect(await sealing.keys.open(after.id_number_enc!)).toBe('110105199202020011');
    expect(new Date(after.last_completed_at!).getTime()).toBeGreaterThan(new Date(before!.last_completed_at!).getTime());
    expect(await activeBindings(oldHash)).toEqual([]);
    expect(await activeBindings(newHash)).toEqual([{ account_id: accountId }]);

    // The activity retried after its commit (a crash before Temporal heard back): nothing happens twice.
    expect(await switchSubject(db, sealing, { changeId, revision: 5, messages: MESSAGES })).toEqual({ status: 'completed', failureReason: null });
    expect(await activeBindings(newHash)).toEqual([{ account_id: accountId }]);
    expect(await db('messages').where({ account_id: accountId, title: 'done' }).count({ n: '*' })).toEqual([{ n: '2' }]);
  });

  it('a new identity whose quota filled meanwhile fails the change and leaves the account exactly as it was', async () => {
    const newHash = randomBytes(16).toString('hex');
    // Three accounts already hold the new person's slots.
    for (let i = 0; i < 3; i++) await verifiedIndividual(newHash);
    const oldHash = randomBytes(16).toString('hex');
    const accountId = await verifiedIndividual(oldHash);
    const changeId = await openPersonChange(accountId, newHash);
    const before = (await account(accountId))!;

    expect(await switchSubject(db, sealing, { changeId, revision: 5, messages: MESSAGES })).toEqual({ status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' });
    const after = (await account(accountId))!;
    expect({ ...after, updated_at: null }).toEqual({ ...before, open_process_kind: null, open_process_id: null, updated_at: null });
    expect(await activeBindings(oldHash)).toEqual([{ account_id: accountId }]);
    expect((await activeBindings(newHash)).length).toBe(3);
    expect(await db('changes').where({ id: changeId }).first('status', 'failure_reason')).toEqual({ status: 'failed', failure_reason: 'IDENTITY_QUOTA_EXCEEDED' });
  });
});
