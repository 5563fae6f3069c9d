import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClosureActivities } from '../../activities/closure';
import { LocalDiskStorage } from '../../adapters/storage';
import { ERASED } from '../../domain/sealed-value';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { newId } from '../../platform/ids';
import { dataKeyStore } from '../../store/data-keys';
import { openChange } from '../../store/changes';
import { insertUpload } from '../../store/uploads';
import { completeVerification, openVerification, type NewVerification } from '../../store/verifications';
import { uniqueAccount } from '../support/http';

/**
 * The closure's activities on PostgreSQL, without the API's early answers:
 * the refusals hold under the account's lock, a closed account opens no
 * process at the store, and every step run twice (a retry, a resumed run)
 * does nothing twice.
 */
let db: Knex;
let acts: ReturnType<typeof createClosureActivities>;
let storage: LocalDiskStorage;
const env = new MockActivityEnvironment();

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
  const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
  storage = new LocalDiskStorage(mkdtempSync(path.join(os.tmpdir(), 'rnv-closure-')), createBytesSealer(randomBytes(32)));
  const keys = createProcessKeys({ store: dataKeyStore(db), master: cipher });
  const real = createClosureActivities({ db, keys, storage });
  acts = Object.fromEntries(Object.entries(real).map(([name, fn]) => [name, (...args: unknown[]) => env.run(fn as (...a: unknown[]) => Promise<unknown>, ...args)])) as typeof real;
});
afterAll(() => db?.destroy());

const verification = (accountId: string): NewVerification => {
  const id = newId('ver');
  return {
    id,
    accountId,
    workflowId: `verification/${id}`,
    subjectType: 'individual',
    method: 'wechat_qr',
    subject: { realName: '闭户测试', idType: 'mainland_id', idNumber: '1101**********002X', industry: 'internet', address: { region: '北京', detail: '1 号' } },
    idNumberEnc: 'v1.sealed',
    identityHash: randomBytes(16).toString('hex'),
    expiresAt: null,
  };
};
const message = { title: 't', body: 'b' };
const closureOf = (accountId: string) => ({ closureId: newId('clo'), accountId, workflowId: `closure/${accountId}`, reason: 'test' });

describe('closure activities', () => {
  it('refuse under the lock while a process is open or money is held, with nothing written', async () => {
    const accountId = uniqueAccount('clo');
    const open = verification(accountId);
    expect(await openVerification(db, open)).toEqual({ opened: true });
    expect(await acts.openClosure(closureOf(accountId))).toEqual({ opened: false, code: 'PROCESS_ALREADY_OPEN' });
    await completeVerification(db, { verificationId: open.id, revision: 2, messages: { verified: message, quotaExceeded: message } });

    await db('received_transfers').insert({ transfer_id: `trf-${randomBytes(6).toString('hex')}`, amount_fen: 5, to_account: '1', from_account_hash: 'h', verification_id: open.id, state: 'held' });
    expect(await acts.openClosure(closureOf(accountId))).toEqual({ opened: false, code: 'MONEY_UNSETTLED' });
    expect(await db('account_closures').where({ account_id: accountId }).first()).toBeUndefined();
    expect(await db('accounts').where({ id: accountId }).first('closed_at')).toEqual({ closed_at: null });
  });

  it('close the account to new processes at the store, and each step twice does nothing twice', async () => {
    const accountId = uniqueAccount('clo');
    const v = verification(accountId);
    await openVerification(db, v);
    await completeVerification(db, { verificationId: v.id, revision: 2, messages: { verified: message, quotaExceeded: message } });
    const uploadId = newId('upl');
    const storageKey = await storage.put(uploadId, Buffer.from('personal bytes'));
    await insertUpload(db, { id: uploadId, account_id: accountId, purpose: 'id_photo_portrait', content_type: 'image/png', size: 14, sha256: 'x', storage_key: storageKey });

    const request = closureOf(accountId);
    const opened = await acts.openClosure(request);
    expect(opened).toEqual({ opened: true, closureId: request.closureId });
    // A second request (another id) answers the account's one closure.
    expect(await acts.openClosure(closureOf(accountId))).toEqual(opened);
    expect(await openVerification(db, verification(accountId))).toEqual({ opened: false, code: 'ACCOUNT_CLOSED' });
    const c = { id: newId('chg'), accountId, workflowId: 'change/x', type: 'individual_to_individual' as const, request: {}, requestEnc: null, expiresAt: new Date(), cooldownMs: 0 };
    expect(await openChange(db, c)).toEqual({ opened: false, refusal: { code: 'ACCOUNT_CLOSED' } });

    const ref = { closureId: request.closureId, accountId, workflowId: request.workflowId };
    for (let run = 0; run < 2; run++) {
      await acts.eraseClosedAccountKeys(ref);
      expect(await acts.deleteClosedAccountUploads(ref)).toEqual({ files: run === 0 ? 1 : 0 });
      await acts.eraseClosedAccountRecords(ref);
      await acts.completeClosure(ref);
    }
    await expect(storage.get(storageKey)).rejects.toThrow();
    expect(await db('verifications').where({ id: v.id }).first()).toMatchObject({
      status: 'verified',
      subject: { realName: ERASED, idType: 'mainland_id', idNumber: ERASED },
      id_number_enc: null,
      identity_hash: ERASED,
    });
    expect(await db('identity_bindings').where({ account_id: accountId }).count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await db('account_closures').where({ account_id: accountId }).first()).toMatchObject({ status: 'completed', completed_at: expect.any(Date) });
    expect(await db('audit_events').where({ account_id: accountId, action: 'account.closed' }).count({ n: '*' })).toEqual([{ n: '1' }]);
    const events = await db('webhook_events').where({ account_id: accountId, type: 'account.closed' }).select('snapshot');
    expect(events).toHaveLength(1);
    expect(events[0].snapshot).toMatchObject({ id: accountId, closed: true, verification: { status: 'unverified', subject: null } });
  });
});
