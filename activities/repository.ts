import type { Knex } from 'knex';
import { IDENTITY_QUOTA, type SubjectType } from '../domain/constants';
import type { NextAction, OpenRefusal } from '../workflows/messages';
import type { IdentityRow, VerificationRow } from '../platform/tables';
import { processEvent, recordAudit } from '../platform/audit';
import { recordProcessEvent, type ProcessRecord } from '../platform/webhook-events';
import { ensureAccount, postMessage, type AccountMessage } from './accounts';
import { recordMissing } from './failures';
import { announceClosed } from './process-closed';
import { RefundReason, settleHeld } from '../platform/money-ledger';

export type { VerificationRow };
export { postMessage, type AccountMessage };

/**
 * The read model's writes, one named function per transition. Only activities
 * call these; the API reads the same tables but never writes process state.
 */


export interface NewVerification {
  id: string;
  accountId: string;
  workflowId: string;
  subjectType: SubjectType;
  method: string;
  subject: Record<string, unknown>;
  idNumberEnc: string | null;
  /** Enterprise applications: all personal fields, sealed as one value. */
  piiEnc?: string | null;
  identityHash: string;
  expiresAt: Date | null;
  /** The change whose new subject this verifies: no slot, no quota, nothing written to the account. */
  changeId?: string | null;
}

/**
 * The quota transactions count under the identity row's lock, which is only
 * right when the count sees what the lock's previous holder committed: they
 * ask for READ COMMITTED themselves rather than rely on the database's default.
 */
export const quotaTransaction = <T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> => db.transaction(work, { isolationLevel: 'read committed' });

/** Locks the identity row: completions for one identity are serialized here, so the last slot is taken once. */
export async function lockIdentity(trx: Knex.Transaction, identityHash: string, subjectType: SubjectType) {
  await trx('identities').insert({ identity_hash: identityHash, subject_type: subjectType }).onConflict('identity_hash').ignore();
  const identity = await trx<IdentityRow>('identities').where({ identity_hash: identityHash }).forUpdate().first();
  const limit = identity?.quota_limit ?? IDENTITY_QUOTA[subjectType];
  const [row] = await trx('identity_bindings')
    .where({ identity_hash: identityHash })
    .whereNull('released_at')
    .count<{ count: string }[]>({ count: '*' });
  return { limit, used: Number(row?.count ?? 0) };
}

/**
 * Claims the account's single open-process slot and records the verification.
 * Idempotent: a retry after the row was written reports it opened.
 */
export async function openVerification(db: Knex, v: NewVerification): Promise<{ opened: true } | { opened: false; code: OpenRefusal }> {
  return quotaTransaction(db, async (trx) => {
    const account = await ensureAccount(trx, v.accountId);
    const existing = await trx<VerificationRow>('verifications').where({ id: v.id }).first('id');
    if (existing) return { opened: true };
    if (v.changeId) {
      await insertVerification(trx, v);
      await trx('changes').where({ id: v.changeId }).update({ verification_id: v.id, updated_at: trx.fn.now() });
      await auditOpened(trx, v);
      return { opened: true };
    }
    if (account.verification_status === 'verified') return { opened: false, code: 'ALREADY_VERIFIED' };
    if (account.open_process_id) return { opened: false, code: 'PROCESS_ALREADY_OPEN' };
    const quota = await lockIdentity(trx, v.identityHash, v.subjectType);
    if (quota.used >= quota.limit) return { opened: false, code: 'IDENTITY_QUOTA_EXCEEDED' };
    await trx('accounts')
      .where({ id: v.accountId })
      .update({ open_process_kind: 'verification', open_process_id: v.id, updated_at: trx.fn.now() });
    await insertVerification(trx, v);
    await auditOpened(trx, v);
    return { opened: true };
  });
}

const auditOpened = (trx: Knex.Transaction, v: NewVerification) =>
  recordAudit(
    trx,
    processEvent({ id: v.id, account_id: v.accountId, workflow_id: v.workflowId }, 'verification.opened', { method: v.method, subjectType: v.subjectType, changeId: v.changeId ?? null }, `${v.id}/opened`),
  );

/** The new row, and its first webhook event (in_progress), in the transaction that opens it. */
async function insertVerification(trx: Knex.Transaction, v: NewVerification) {
  const [row] = await trx('verifications').insert({
    id: v.id,
    account_id: v.accountId,
    workflow_id: v.workflowId,
    subject_type: v.subjectType,
    method: v.method,
    status: 'in_progress',
    subject: JSON.stringify(v.subject),
    id_number_enc: v.idNumberEnc,
    pii_enc: v.piiEnc ?? null,
    identity_hash: v.identityHash,
    expires_at: v.expiresAt,
    change_id: v.changeId ?? null,
  }).returning<ProcessRecord[]>('*');
  await recordProcessEvent(trx, 'verifications', row!);
}

/** A process's step and next action (verifications, changes); a stale revision (a retried older write) changes nothing. */
export async function recordProgress(
  db: Knex,
  table: 'verifications' | 'changes',
  args: { id: string; revision: number; step: string | null; nextAction: unknown },
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const updated = await trx(table)
      .where({ id: args.id, status: 'in_progress' })
      .andWhere('revision', '<', args.revision)
      .update({
        step: args.step,
        next_action: args.nextAction === null ? null : JSON.stringify(args.nextAction),
        revision: args.revision,
        updated_at: trx.fn.now(),
      })
      .returning<ProcessRecord[]>('*');
    const row = updated[0];
    if (!row) return false;
    const kind = table === 'changes' ? 'change' : 'verification';
    await recordAudit(trx, processEvent(row, `${kind}.step`, { step: args.step }, `${row.id}/r${args.revision}`));
    await recordProcessEvent(trx, table, row);
    return true;
  });
}

/**
 * A process's terminal write, for verifications and changes alike: its row
 * (status, reason, no step, a revision past any retried older write) and the
 * account's slot, released if this process holds it.
 */
export async function endProcessRow(
  trx: Knex.Transaction,
  table: 'verifications' | 'changes',
  row: { id: string; account_id: string; workflow_id: string; revision: number; method?: string; type?: string },
  revision: number,
  outcome: { status: string; failureReason: string | null },
): Promise<void> {
  const [ended] = await trx(table)
    .where({ id: row.id })
    .update({
      status: outcome.status,
      failure_reason: outcome.failureReason,
      step: null,
      next_action: null,
      revision: Math.max(revision, row.revision + 1),
      completed_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    })
    .returning<ProcessRecord[]>('*');
  await recordProcessEvent(trx, table, ended!);
  await trx('accounts').where({ id: row.account_id, open_process_id: row.id }).update({ open_process_kind: null, open_process_id: null, updated_at: trx.fn.now() });
  const kind = table === 'changes' ? 'change' : 'verification';
  await recordAudit(trx, processEvent(row, `${kind}.closed`, { status: outcome.status, failureReason: outcome.failureReason }, `${row.id}/closed`));
  announceClosed(trx, { kind, method: row.method ?? row.type ?? '', ...outcome });
}

export const recordVerificationProgress = (db: Knex, args: { verificationId: string; revision: number; step: string | null; nextAction: NextAction | null }) =>
  recordProgress(db, 'verifications', { id: args.verificationId, revision: args.revision, step: args.step, nextAction: args.nextAction });

export interface TerminalRecord {
  status: 'verified' | 'failed' | 'expired' | 'cancelled';
  failureReason: string | null;
}

/** What a closing does with the money the verification holds (recharge): see platform/money-ledger.ts `settleHeld`. */
export type Settlement = Omit<Parameters<typeof settleHeld>[1], 'verificationIds'>;

async function closeVerification(
  trx: Knex.Transaction,
  v: VerificationRow,
  revision: number,
  outcome: TerminalRecord,
  message: AccountMessage,
  settlement: Settlement = { reason: RefundReason.processEnded },
) {
  await endProcessRow(trx, 'verifications', v, revision, outcome);
  // What it holds is settled in the transaction that frees the account; from now on its collection account refunds.
  if (v.method === 'recharge') await settleHeld(trx, { verificationIds: [v.id], ...settlement });
  // A change's verification of its new subject: the change tells the user its own outcome.
  if (!v.change_id) await postMessage(trx, v.account_id, `verification/${v.id}/${outcome.status}`, message);
}

/**
 * Binds the identity to the account if a slot is free (SPEC §2: enforced
 * atomically at completion), else fails the verification on the quota.
 */
export async function completeVerification(
  db: Knex,
  args: {
    verificationId: string;
    revision: number;
    messages: { verified: AccountMessage; quotaExceeded: AccountMessage };
    /** Recharge verification: the matched transfer is credited to the account balance, once. */
    credit?: { amountFen: number; reference: string };
  },
): Promise<TerminalRecord> {
  return quotaTransaction(db, async (trx) => {
    const v = await trx<VerificationRow>('verifications').where({ id: args.verificationId }).forUpdate().first();
    if (!v) throw recordMissing(`verification ${args.verificationId}`);
    if (v.status !== 'in_progress') return { status: v.status as TerminalRecord['status'], failureReason: v.failure_reason };
    if (v.change_id) {
      // The change's switch binds the identity, writes the account and credits the transfer, in one transaction.
      if (args.credit) await trx('verifications').where({ id: v.id }).update({ pending_credit: JSON.stringify(args.credit) });
      const outcome: TerminalRecord = { status: 'verified', failureReason: null };
      await closeVerification(trx, v, args.revision, outcome, args.messages.verified, { reason: RefundReason.processEnded, ...(args.credit ? { keepForSwitch: args.credit.reference } : {}) });
      return outcome;
    }
    const quota = await lockIdentity(trx, v.identity_hash, v.subject_type);
    if (quota.used >= quota.limit) {
      const outcome: TerminalRecord = { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' };
      // Matched, but the identity's quota was used up meanwhile: the money goes back.
      await closeVerification(trx, v, args.revision, outcome, args.messages.quotaExceeded, { reason: RefundReason.identityQuotaExceeded });
      return outcome;
    }
    await trx('identity_bindings').insert({ identity_hash: v.identity_hash, account_id: v.account_id, verification_id: v.id });
    await trx('accounts')
      .where({ id: v.account_id })
      .update({
        verification_status: 'verified',
        subject_type: v.subject_type,
        subject: JSON.stringify(v.subject),
        subject_name: shownName(v.subject),
        identity_hash: v.identity_hash,
        verified_method: v.method,
        verified_at: trx.fn.now(),
        last_completed_at: trx.fn.now(),
        verification_id: v.id,
      });
    const outcome: TerminalRecord = { status: 'verified', failureReason: null };
    const credit = args.credit ? { transferId: args.credit.reference, accountId: v.account_id, amountFen: args.credit.amountFen } : undefined;
    await closeVerification(trx, v, args.revision, outcome, args.messages.verified, { reason: RefundReason.processEnded, ...(credit ? { credit } : {}) });
    return outcome;
  });
}

/** A person's or an enterprise's name: what ICP filings are compared with. */
export const shownName = (subject: Record<string, unknown>) => {
  const { realName, name } = subject as { realName?: string; name?: string };
  return realName ?? name ?? null;
};

/** Ends a verification that did not verify (failed, expired, cancelled). Idempotent. */
export async function finishVerification(
  db: Knex,
  args: { verificationId: string; revision: number; outcome: TerminalRecord; message: AccountMessage },
): Promise<TerminalRecord> {
  return db.transaction(async (trx) => {
    const v = await trx<VerificationRow>('verifications').where({ id: args.verificationId }).forUpdate().first();
    if (!v) throw recordMissing(`verification ${args.verificationId}`);
    if (v.status !== 'in_progress') return { status: v.status as TerminalRecord['status'], failureReason: v.failure_reason };
    await closeVerification(trx, v, args.revision, args.outcome, args.message);
    return args.outcome;
  });
}

/** Recharge verification: the transfer it waits for, at its own collection account, from the paying account (its keyed hash). */
export async function expectTransfer(
  db: Knex,
  args: { verificationId: string; workflowId: string; accountId: string; fromAccountHash: string; amountFen: number; collectionAccount: string | null },
): Promise<void> {
  await db('expected_transfers')
    .insert({
      verification_id: args.verificationId,
      workflow_id: args.workflowId,
      account_id: args.accountId,
      from_account_hash: args.fromAccountHash,
      amount_fen: args.amountFen,
      collection_account: args.collectionAccount,
      status: 'open',
    })
    .onConflict('verification_id')
    .ignore();
}

/** Corrected materials after a rejection: the sealed personal data and the masked display form. */
export async function replaceEnterpriseApplication(
  db: Knex,
  args: { verificationId: string; subject: Record<string, unknown>; piiEnc: string },
): Promise<void> {
  await db('verifications')
    .where({ id: args.verificationId, status: 'in_progress' })
    .update({ subject: JSON.stringify(args.subject), pii_enc: args.piiEnc, updated_at: db.fn.now() });
}
