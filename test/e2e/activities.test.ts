import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type Activities } from '../../activities';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandboxProviders } from '../../adapters';
import { SandboxCallbackOutbox } from '../../adapters/sandbox/outbox';
import { LocalDiskStorage } from '../../adapters/storage';
import { createLogger } from '../../platform/logger';
import { createPiiCipher } from '../../platform/crypto';
import { newId } from '../../platform/ids';
import { mainlandId, uniqueAccount } from '../support/http';

/**
 * The activities against the real PostgreSQL: Temporal retries an activity
 * whose worker crashed or timed out, so each must be safe to run twice.
 */
let db: Knex;
let acts: Activities;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
  const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
  const outbox = new SandboxCallbackOutbox({ db, callbackBaseUrl: 'http://127.0.0.1:9', secrets: { wechat: 'x', qq: 'x', face: 'x', bank: 'x' }, logger: createLogger('silent'), cipher });
  const providers = createSandboxProviders({ db, cipher, outbox, payoutDelayMs: 1000, platformAccount: { accountName: '平台', accountNumber: '1234567890' } });
  const real = createActivities({ db, cipher, providers, storage: new LocalDiskStorage(mkdtempSync(path.join(os.tmpdir(), 'rnv-acts-'))) });
  // Each call runs inside an activity context, as on a worker.
  const env = new MockActivityEnvironment();
  acts = Object.fromEntries(
    Object.entries(real).map(([name, fn]) => [name, (...args: unknown[]) => env.run(fn as (...a: unknown[]) => Promise<unknown>, ...args)]),
  ) as unknown as Activities;
});
afterAll(async () => {
  await db?.destroy();
});

function openArgs(accountId = uniqueAccount('acts'), identityHash = randomBytes(16).toString('hex')) {
  const verificationId = newId('ver');
  return {
    verificationId,
    workflowId: `verification/${verificationId}`,
    accountId,
    method: 'wechat_qr',
    realName: '张三',
    idType: 'mainland_id',
    idNumber: mainlandId(),
    industry: 'internet',
    address: { region: '北京', detail: '1 号' },
    identityHash,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

describe('activities are idempotent', () => {
  it('opening twice (a retry) opens once; a second process on the account is refused', async () => {
    const args = openArgs();
    expect(await acts.openIndividualVerification(args)).toEqual({ opened: true });
    expect(await acts.openIndividualVerification(args)).toEqual({ opened: true });
    expect(await db('verifications').where({ account_id: args.accountId }).count({ n: '*' }).first()).toEqual({ n: '1' });
    expect(await acts.openIndividualVerification({ ...openArgs(args.accountId), accountId: args.accountId })).toEqual({
      opened: false,
      code: 'PROCESS_ALREADY_OPEN',
    });
  });

  it('completing twice binds the identity once and posts one message', async () => {
    const args = openArgs();
    await acts.openIndividualVerification(args);
    const first = await acts.completeVerification({ verificationId: args.verificationId, revision: 5, method: 'wechat_qr' });
    const again = await acts.completeVerification({ verificationId: args.verificationId, revision: 5, method: 'wechat_qr' });
    expect(first).toEqual({ status: 'verified', failureReason: null });
    expect(again).toEqual(first);
    expect(await db('identity_bindings').where({ account_id: args.accountId }).count({ n: '*' }).first()).toEqual({ n: '1' });
    expect(await db('messages').where({ account_id: args.accountId }).count({ n: '*' }).first()).toEqual({ n: '1' });
    expect(await db('accounts').where({ id: args.accountId }).first()).toMatchObject({ verification_status: 'verified', open_process_id: null });
  });

  it.each([
    [{ status: 'expired', failureReason: null }, 'expired'],
    [{ status: 'cancelled', failureReason: null }, 'cancelled'],
    [{ status: 'failed', failureReason: 'IDENTITY_MISMATCH' }, 'failed'],
  ] as const)('finishing as %o twice records it once, releases the account and posts one message', async (outcome, word) => {
    const args = openArgs();
    await acts.openIndividualVerification(args);
    await acts.finishVerification({ verificationId: args.verificationId, revision: 3, method: 'wechat_qr', outcome });
    // A late retry with another outcome cannot overwrite the first.
    const retried = await acts.finishVerification({ verificationId: args.verificationId, revision: 4, method: 'wechat_qr', outcome: { status: 'cancelled', failureReason: null } });
    expect(retried).toEqual(outcome);
    const messages = await db('messages').where({ account_id: args.accountId });
    expect(messages).toHaveLength(1);
    expect(messages[0].title).toContain(word);
    expect(await db('accounts').where({ id: args.accountId }).first()).toMatchObject({ verification_status: 'unverified', open_process_id: null });
  });

  it('ignores a progress write older than the last one', async () => {
    const args = openArgs();
    await acts.openIndividualVerification(args);
    await acts.recordVerificationProgress({ verificationId: args.verificationId, revision: 2, step: 'awaiting_bank_card', nextAction: { type: 'link_bank_card', ticket: 't2' } });
    await acts.recordVerificationProgress({ verificationId: args.verificationId, revision: 1, step: 'awaiting_scan', nextAction: null });
    expect(await db('verifications').where({ id: args.verificationId }).first()).toMatchObject({ step: 'awaiting_bank_card', revision: 2 });
  });

  it('a retried QR request gets the same ticket; a replacing one revokes the old', async () => {
    const reference = `verification/${newId('ver')}`;
    const first = await acts.issueQr({ provider: 'wechat', reference, requestId: `${reference}/qr/0`, ttlSeconds: 600 });
    expect(await acts.issueQr({ provider: 'wechat', reference, requestId: `${reference}/qr/0`, ttlSeconds: 600 })).toEqual(first);
    const second = await acts.issueQr({ provider: 'wechat', reference, requestId: `${reference}/qr/1`, ttlSeconds: 600, replaces: first.ticket });
    expect(second.ticket).not.toBe(first.ticket);
    expect(await db('sandbox_tickets').where({ ticket: first.ticket }).first()).toMatchObject({ status: 'revoked' });
    expect(await db('sandbox_tickets').where({ ticket: second.ticket }).first()).toMatchObject({ status: 'issued' });
  });

  it('never stores the ID number in plaintext', async () => {
    const args = openArgs();
    await acts.openIndividualVerification(args);
    const row = await db('verifications').where({ id: args.verificationId }).first();
    expect(JSON.stringify(row)).not.toContain(args.idNumber);
  });
});
