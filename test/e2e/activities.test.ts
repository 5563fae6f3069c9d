import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type Activities } from '../../activities';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandboxProviders } from '../../adapters/sandbox';
import { SandboxCallbackOutbox } from '../../adapters/sandbox/outbox';
import { LocalDiskStorage } from '../../adapters/storage';
import { createLogger } from '../../platform/logger';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { newId } from '../../platform/ids';
import { createProcessKeys } from '../../platform/data-keys';
import { dataKeyStore } from '../../store/data-keys';
import { expectTransfer, receiveTransfer } from '../../store/ledger';
import type { WorkflowInspector } from '../../platform/workflow-inspector';
import type { WorkflowRunStatus } from '../../domain/stranded-runs';
import { openVerification } from '../../store/verifications';
import { mainlandId, uniqueAccount } from '../support/http';

/**
 * The activities against the real PostgreSQL: Temporal retries an activity
 * whose worker crashed or timed out, so each must be safe to run twice.
 */
let db: Knex;
let acts: Activities;
/** Refund workflows the activities asked for (none is started here). */
const refundsStarted: string[] = [];
/** What the reconciler is told about workflows: RUNNING unless a test says otherwise. */
const statuses = new Map<string, WorkflowRunStatus>();
const described: string[] = [];
let runningListed: Set<string> | null = null;
const inspector: WorkflowInspector = {
  statusOf: async (workflowId) => {
    described.push(workflowId);
    return statuses.get(workflowId) ?? 'RUNNING';
  },
  runningProcessIds: async () => runningListed,
};

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
  const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
  const outbox = new SandboxCallbackOutbox({ db, callbackBaseUrl: 'http://127.0.0.1:9', secrets: { wechat: 'x', qq: 'x', face: 'x', bank: 'x' }, logger: createLogger('silent'), cipher });
  const providers = createSandboxProviders({ db, cipher, outbox, payoutDelayMs: 1000, platformAccount: { accountName: '平台', accountNumber: '1234567890' } });
  const real = createActivities({
    db,
    cipher,
    keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }),
    providers,
    storage: new LocalDiskStorage(mkdtempSync(path.join(os.tmpdir(), 'rnv-acts-')), createBytesSealer(randomBytes(32))),
    refunds: { start: async (ids) => void refundsStarted.push(...ids) },
    inspector,
  });
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

/** An open recharge verification waiting at its own collection account. */
async function openRecharge(payerHash = randomBytes(8).toString('hex')) {
  const args = { ...openArgs(), method: 'recharge' };
  await acts.openIndividualVerification(args);
  const collectionAccount = `1105018800${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`;
  await expectTransfer(db, { verificationId: args.verificationId, workflowId: args.workflowId, accountId: args.accountId, fromAccountHash: payerHash, amountFen: 37, collectionAccount });
  return { ...args, collectionAccount, payerHash };
}
const arrive = (r: { collectionAccount: string; payerHash: string }, amountFen: number, fromAccountHash = r.payerHash) =>
  receiveTransfer(db, { transferId: newId('trf'), amountFen, toAccount: r.collectionAccount, fromAccountHash });
const stateOf = async (transferId: string) => (await db('received_transfers').where({ transfer_id: transferId }).first()).state as string;
const held = (reception: Awaited<ReturnType<typeof arrive>>) => {
  if (reception.kind !== 'held') throw new Error(`not held: ${reception.kind}`);
  return reception;
};
async function transferIdsOf(verificationId: string) {
  return (await db('received_transfers').where({ verification_id: verificationId }).orderBy('received_at')).map((r: { transfer_id: string }) => r.transfer_id);
}


describe('the money ledger: every fen a recharge holds is settled once, by the transaction that frees the account', () => {
  it('holds money reaching an open recharge’s own collection account, says whether it came from the confirmed payer, and records it once', async () => {
    const r = await openRecharge();
    const first = held(await arrive(r, 37));
    expect(first).toMatchObject({ verificationId: r.verificationId, workflowId: r.workflowId, fromConfirmedAccount: true });
    expect(held(await arrive(r, 37, 'someone-else'))).toMatchObject({ fromConfirmedAccount: false });
    const [id] = await transferIdsOf(r.verificationId);
    // A redelivered report finds the recorded decision.
    expect(await receiveTransfer(db, { transferId: id!, amountFen: 37, toAccount: r.collectionAccount, fromAccountHash: r.payerHash })).toEqual(first);
    expect(await transferIdsOf(r.verificationId)).toHaveLength(2);
  });

  it('sends back money to an account that is no recharge’s, or whose recharge ended', async () => {
    expect(await receiveTransfer(db, { transferId: newId('trf'), amountFen: 5, toAccount: '110501880000009999', fromAccountHash: 'x' })).toEqual({ kind: 'refund' });
    const r = await openRecharge();
    await acts.finishVerification({ verificationId: r.verificationId, revision: 2, method: 'recharge', outcome: { status: 'cancelled', failureReason: null } });
    expect(await arrive(r, 37)).toEqual({ kind: 'refund' });
    const [late] = await transferIdsOf(r.verificationId);
    expect(late).toBeUndefined();
    const row = await db('received_transfers').where({ to_account: r.collectionAccount }).first();
    expect(row).toMatchObject({ state: 'refund_due', refund_reason: 'collection_account_closed', verification_id: null });
  });

  it.each([
    [{ status: 'cancelled', failureReason: null }],
    [{ status: 'expired', failureReason: null }],
    [{ status: 'failed', failureReason: 'INTERNAL_ERROR' }],
    [{ status: 'failed', failureReason: 'TERMINATED' }],
  ] as const)('ending %o sends back everything it held, once, and starts the refunds', async (outcome) => {
    const r = await openRecharge();
    await arrive(r, 12);
    await arrive(r, 13);
    const ids = await transferIdsOf(r.verificationId);
    await acts.finishVerification({ verificationId: r.verificationId, revision: 2, method: 'recharge', outcome });
    // A retry of the closing decides nothing new but starts what is still due (a crash between commit and start).
    await acts.finishVerification({ verificationId: r.verificationId, revision: 3, method: 'recharge', outcome });
    for (const id of ids) expect(await stateOf(id)).toBe('refund_due');
    expect(refundsStarted.filter((id) => ids.includes(id)).sort()).toEqual([...ids, ...ids].sort());
    expect(await db('accounts').where({ id: r.accountId }).first()).toMatchObject({ open_process_id: null, balance_fen: '0' });
  });

  it('completing credits the matched transfer to the balance once and sends back the rest', async () => {
    const r = await openRecharge();
    const wrong = (await arrive(r, 12), (await transferIdsOf(r.verificationId))[0]!);
    await arrive(r, 37);
    const matched = (await transferIdsOf(r.verificationId))[1]!;
    const complete = () => acts.completeVerification({ verificationId: r.verificationId, revision: 4, method: 'recharge', credit: { amountFen: 37, reference: matched } });
    expect(await complete()).toEqual({ status: 'verified', failureReason: null });
    await complete();
    expect(await stateOf(matched)).toBe('credited');
    expect(await stateOf(wrong)).toBe('refund_due');
    expect(await db('ledger_entries').where({ account_id: r.accountId }).select('amount_fen', 'reference')).toEqual([{ amount_fen: '37', reference: matched }]);
    expect((await db('accounts').where({ id: r.accountId }).first()).balance_fen).toBe('37');
    // Whoever asks afterwards, credited money is never sent back.
    expect(await acts.refundTransfer({ transferId: matched, requestId: `refund/${matched}` })).toEqual({ outcome: 'kept' });
  });

  it('a change’s recharge keeps its matched transfer for the switch; a change that ends without switching (revoked) sends it back', async () => {
    const accountId = uniqueAccount('chg');
    const changeId = newId('chg');
    await db('accounts').insert({ id: accountId });
    await db('changes').insert({ id: changeId, account_id: accountId, workflow_id: `change/${changeId}`, type: 'individual_to_enterprise', status: 'in_progress', request: '{}', expires_at: new Date(Date.now() + 86_400_000) });
    const verificationId = newId('ver');
    await openVerification(db, { id: verificationId, accountId, workflowId: `verification/${verificationId}`, subjectType: 'enterprise', method: 'recharge', subject: {}, idNumberEnc: null, identityHash: 'h', expiresAt: null, changeId });
    const r = { collectionAccount: `1105018800${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`, payerHash: 'payer' };
    await expectTransfer(db, { verificationId, workflowId: `verification/${verificationId}`, accountId, fromAccountHash: r.payerHash, amountFen: 37, collectionAccount: r.collectionAccount });
    await arrive(r, 37);
    const [matched] = await transferIdsOf(verificationId);
    await acts.completeVerification({ verificationId, revision: 3, method: 'recharge', credit: { amountFen: 37, reference: matched! } });
    expect(await stateOf(matched!)).toBe('matched');
    expect(refundsStarted).not.toContain(matched);

    await acts.finishChange({ changeId, revision: 5, outcome: { status: 'revoked', failureReason: null } });
    expect(await stateOf(matched!)).toBe('refund_due');
    expect(refundsStarted).toContain(matched);
    expect(await db('ledger_entries').where({ reference: matched })).toEqual([]);
  });

  it('a transfer racing the closing is either settled by it or finds the account closed: never left held', async () => {
    const r = await openRecharge();
    const reports = Array.from({ length: 20 }, () => arrive(r, 12));
    const closing = acts.finishVerification({ verificationId: r.verificationId, revision: 2, method: 'recharge', outcome: { status: 'expired', failureReason: null } });
    await Promise.all([...reports, closing]);
    const rows = await db('received_transfers').where({ to_account: r.collectionAccount });
    expect(rows).toHaveLength(20);
    expect(rows.filter((row: { state: string }) => row.state !== 'refund_due')).toEqual([]);
  });
});

describe('the reconciler: every run closes (SPEC §10)', () => {
  const inboxOf = async (accountId: string) => (await db('messages').where({ account_id: accountId }).select('title')).map((m: { title: string }) => m.title);

  it('closes a recharge whose workflow was terminated: failed TERMINATED, the account free, its money sent back, the user told; once', async () => {
    const r = await openRecharge();
    await arrive(r, 12);
    const [held] = await transferIdsOf(r.verificationId);
    statuses.set(r.workflowId, 'TERMINATED');
    const sweep = await acts.reconcileProcesses();
    expect(sweep.closed).toContain(r.verificationId);
    expect(await db('verifications').where({ id: r.verificationId }).first()).toMatchObject({ status: 'failed', failure_reason: 'TERMINATED', step: null });
    expect(await db('accounts').where({ id: r.accountId }).first()).toMatchObject({ open_process_id: null });
    expect(await stateOf(held!)).toBe('refund_due');
    expect(refundsStarted).toContain(held);
    expect(await inboxOf(r.accountId)).toEqual([expect.stringContaining('failed')]);
    // The next sweep finds nothing more to do for it.
    expect((await acts.reconcileProcesses()).closed).not.toContain(r.verificationId);
  });

  it.each<[WorkflowRunStatus, string]>([
    ['FAILED', 'INTERNAL_ERROR'],
    ['TIMED_OUT', 'INTERNAL_ERROR'],
    ['NOT_FOUND', 'INTERNAL_ERROR'],
  ])('a run that is %s outside its code closes %s; a running one is left alone', async (status, reason) => {
    const stranded = openArgs();
    const running = openArgs();
    await acts.openIndividualVerification(stranded);
    await acts.openIndividualVerification(running);
    statuses.set(stranded.workflowId, status);
    await acts.reconcileProcesses();
    expect(await db('verifications').where({ id: stranded.verificationId }).first()).toMatchObject({ status: 'failed', failure_reason: reason });
    expect(await db('verifications').where({ id: running.verificationId }).first()).toMatchObject({ status: 'in_progress' });
  });

  it('closes a change whose workflow was terminated, withdraws its open review, and tells the user by email and SMS', async () => {
    const accountId = uniqueAccount('rcn');
    const changeId = newId('chg');
    await db('accounts').insert({ id: accountId, open_process_kind: 'change', open_process_id: changeId });
    await db('changes').insert({ id: changeId, account_id: accountId, workflow_id: `change/${changeId}`, type: 'enterprise_name_change', status: 'in_progress', request: '{}', expires_at: new Date(Date.now() + 86_400_000) });
    const reviewId = newId('rev');
    await db('reviews').insert({ id: reviewId, kind: 'enterprise_name_change', account_id: accountId, process_id: changeId, workflow_id: `change/${changeId}`, status: 'open', applicant: '{}', materials: '[]', due_at: new Date() });
    statuses.set(`change/${changeId}`, 'TERMINATED');
    await acts.reconcileProcesses();
    expect(await db('changes').where({ id: changeId }).first()).toMatchObject({ status: 'failed', failure_reason: 'TERMINATED' });
    expect(await db('accounts').where({ id: accountId }).first()).toMatchObject({ open_process_id: null });
    expect(await db('reviews').where({ id: reviewId }).first()).toMatchObject({ status: 'revoked' });
    expect((await db('notifications').where({ account_id: accountId }).select('channel')).map((n: { channel: string }) => n.channel).sort()).toEqual(['email', 'sms']);
  });

  it('describes only what visibility does not list as running', async () => {
    const listed = openArgs();
    await acts.openIndividualVerification(listed);
    runningListed = new Set([listed.workflowId]);
    statuses.set(listed.workflowId, 'TERMINATED');
    try {
      await acts.reconcileProcesses();
    } finally {
      runningListed = null;
    }
    expect(described).not.toContain(listed.workflowId);
    expect(await db('verifications').where({ id: listed.verificationId }).first()).toMatchObject({ status: 'in_progress' });
  });

  it('starts again a refund whose workflow was terminated or is gone; leaves running and completed ones', async () => {
    const ids = { terminated: newId('trf'), gone: newId('trf'), running: newId('trf'), completed: newId('trf') };
    const old = new Date(Date.now() - 10 * 60_000);
    for (const [kind, id] of Object.entries(ids)) {
      await db('received_transfers').insert({ transfer_id: id, amount_fen: 5, to_account: '1', from_account_hash: 'x', state: 'refunding', settled_at: old });
      statuses.set(`refund/${id}`, ({ terminated: 'TERMINATED', gone: 'NOT_FOUND', running: 'RUNNING', completed: 'COMPLETED' } as const)[kind as keyof typeof ids]);
    }
    const { restarted } = await acts.reconcileRefunds({ olderThanMs: 60_000 });
    expect(restarted.filter((id) => Object.values(ids).includes(id)).sort()).toEqual([ids.terminated, ids.gone].sort());
    // Decided just now: its refund is still being started by whoever decided it.
    const fresh = newId('trf');
    await db('received_transfers').insert({ transfer_id: fresh, amount_fen: 5, to_account: '1', from_account_hash: 'x', state: 'refund_due', settled_at: new Date() });
    statuses.set(`refund/${fresh}`, 'NOT_FOUND');
    expect((await acts.reconcileRefunds({ olderThanMs: 60_000 })).restarted).not.toContain(fresh);
  });
});
