import { MessageKind, type SubjectType } from '../domain/constants';
import type { ProcessFact } from '../domain/signals';
import type { Db } from '../platform/db';
import { recordMissing } from '../platform/failures';
import type { NextAction, OpenRefusal } from '../workflows/messages';
import { claimSlot, ensureAccount, markVerified, postToInbox, type MessageText } from './accounts';
import { processEvent, recordAudit } from './audit';
import { attachVerification } from './changes';
import { bindIdentity, lockIdentity } from './identities';
import { RefundReason, settleHeld } from './ledger';
import { newestFirst, type Page } from './paging';
import { recordFacts, replaceFacts } from './process-facts';
import { endProcessRow, recordProgress } from './processes';
import { quotaTransaction, sql, sqlOf, transaction, type Tx } from './tx';
import { recordProcessEvent, type ProcessRecord } from './webhook-events';

/**
 * Verifications, one named function per transition. Only activities write
 * them; the API reads the same rows but never writes process state.
 */

export interface VerificationRow {
  id: string;
  account_id: string;
  workflow_id: string;
  subject_type: SubjectType;
  method: string;
  status: string;
  step: string | null;
  next_action: NextAction | null;
  failure_reason: string | null;
  subject: Record<string, unknown>;
  id_number_enc: string | null;
  pii_enc: string | null;
  review_id: string | null;
  rejection: { reason: string; at: string } | null;
  identity_hash: string;
  /** The change whose new subject this verifies (it then takes no slot and writes nothing to the account). */
  change_id: string | null;
  /** Recharge as a change's method: the matched transfer, credited by the change's switch. */
  pending_credit: { amountFen: number; reference: string } | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  /** When retention erased its personal data (SPEC §11: RETENTION_UNFINISHED). */
  personal_data_erased_at?: Date | null;
  expires_at: Date | null;
}

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
  /** Its facts' keyed hashes, for reviews' signals (SPEC §6): written with the row. */
  facts?: readonly ProcessFact[];
}

/**
 * Claims the account's single open-process slot and records the verification.
 * Idempotent: a retry after the row was written reports it opened.
 */
export async function openVerification(db: Db, v: NewVerification): Promise<{ opened: true } | { opened: false; code: OpenRefusal }> {
  return quotaTransaction(db, async (tx) => {
    const account = await ensureAccount(tx, v.accountId);
    const existing = await sql(tx)<VerificationRow>('verifications').where({ id: v.id }).first('id');
    if (existing) return { opened: true };
    if (account.closed_at) return { opened: false, code: 'ACCOUNT_CLOSED' };
    if (v.changeId) {
      await insertVerification(tx, v);
      await attachVerification(tx, v.changeId, v.id);
      await auditOpened(tx, v);
      return { opened: true };
    }
    if (account.verification_status === 'verified') return { opened: false, code: 'ALREADY_VERIFIED' };
    if (account.open_process_id) return { opened: false, code: 'PROCESS_ALREADY_OPEN' };
    const quota = await lockIdentity(tx, v.identityHash, v.subjectType);
    if (quota.used >= quota.limit) return { opened: false, code: 'IDENTITY_QUOTA_EXCEEDED' };
    await claimSlot(tx, v.accountId, { kind: 'verification', id: v.id });
    await insertVerification(tx, v);
    await auditOpened(tx, v);
    return { opened: true };
  });
}

const auditOpened = (tx: Tx, v: NewVerification) =>
  recordAudit(
    tx,
    processEvent({ id: v.id, account_id: v.accountId, workflow_id: v.workflowId }, 'verification.opened', { method: v.method, subjectType: v.subjectType, changeId: v.changeId ?? null }, `${v.id}/opened`),
  );

/** The new row, and its first webhook event (in_progress), in the transaction that opens it. */
async function insertVerification(tx: Tx, v: NewVerification) {
  const [row] = await sql(tx)('verifications').insert({
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
  await recordProcessEvent(tx, 'verifications', row!);
  await recordFacts(tx, { id: v.id, accountId: v.accountId }, v.facts ?? []);
}

export const recordVerificationProgress = (db: Db, args: { verificationId: string; revision: number; step: string | null; nextAction: NextAction | null }) =>
  recordProgress(db, 'verifications', { id: args.verificationId, revision: args.revision, step: args.step, nextAction: args.nextAction });

export interface TerminalRecord {
  status: 'verified' | 'failed' | 'expired' | 'cancelled';
  failureReason: string | null;
}

/** What a closing does with the money the verification holds (recharge): see store/ledger.ts `settleHeld`. */
export type Settlement = Omit<Parameters<typeof settleHeld>[1], 'verificationIds'>;

async function closeVerification(tx: Tx, v: VerificationRow, revision: number, outcome: TerminalRecord, message: MessageText, settlement: Settlement = { reason: RefundReason.processEnded }) {
  await endProcessRow(tx, 'verifications', v, revision, outcome);
  // What it holds is settled in the transaction that frees the account; from now on its collection account refunds.
  if (v.method === 'recharge') await settleHeld(tx, { verificationIds: [v.id], ...settlement });
  // A change's verification of its new subject: the change tells the user its own outcome.
  if (!v.change_id) await postToInbox(tx, v.account_id, `verification/${v.id}/${outcome.status}`, { kind: MessageKind.result, ...message });
}

/** The verification's row, locked for the rest of the transaction. */
async function lockVerification(tx: Tx, verificationId: string): Promise<VerificationRow> {
  const v = await sql(tx)<VerificationRow>('verifications').where({ id: verificationId }).forUpdate().first();
  if (!v) throw recordMissing(`verification ${verificationId}`);
  return v;
}

const terminalOf = (v: VerificationRow): TerminalRecord => ({ status: v.status as TerminalRecord['status'], failureReason: v.failure_reason });

/**
 * Binds the identity to the account if a slot is free (SPEC §2: enforced
 * atomically at completion), else fails the verification on the quota.
 */
export async function completeVerification(
  db: Db,
  args: {
    verificationId: string;
    revision: number;
    messages: { verified: MessageText; quotaExceeded: MessageText };
    /** Recharge verification: the matched transfer is credited to the account balance, once. */
    credit?: { amountFen: number; reference: string };
  },
): Promise<TerminalRecord> {
  return quotaTransaction(db, async (tx) => {
    const v = await lockVerification(tx, args.verificationId);
    if (v.status !== 'in_progress') return terminalOf(v);
    if (v.change_id) {
      // The change's switch binds the identity, writes the account and credits the transfer, in one transaction.
      if (args.credit) await sql(tx)('verifications').where({ id: v.id }).update({ pending_credit: JSON.stringify(args.credit) });
      const outcome: TerminalRecord = { status: 'verified', failureReason: null };
      await closeVerification(tx, v, args.revision, outcome, args.messages.verified, { reason: RefundReason.processEnded, ...(args.credit ? { keepForSwitch: args.credit.reference } : {}) });
      return outcome;
    }
    const quota = await lockIdentity(tx, v.identity_hash, v.subject_type);
    if (quota.used >= quota.limit) {
      const outcome: TerminalRecord = { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' };
      // Matched, but the identity's quota was used up meanwhile: the money goes back.
      await closeVerification(tx, v, args.revision, outcome, args.messages.quotaExceeded, { reason: RefundReason.identityQuotaExceeded });
      return outcome;
    }
    await bindIdentity(tx, { identityHash: v.identity_hash, accountId: v.account_id, verificationId: v.id });
    await markVerified(tx, v);
    const outcome: TerminalRecord = { status: 'verified', failureReason: null };
    const credit = args.credit ? { transferId: args.credit.reference, accountId: v.account_id, amountFen: args.credit.amountFen } : undefined;
    await closeVerification(tx, v, args.revision, outcome, args.messages.verified, { reason: RefundReason.processEnded, ...(credit ? { credit } : {}) });
    return outcome;
  });
}

/** Ends a verification that did not verify (failed, expired, cancelled). Idempotent. */
export async function finishVerification(db: Db, args: { verificationId: string; revision: number; outcome: TerminalRecord; message: MessageText }): Promise<TerminalRecord> {
  return transaction(db, async (tx) => {
    const v = await lockVerification(tx, args.verificationId);
    if (v.status !== 'in_progress') return terminalOf(v);
    await closeVerification(tx, v, args.revision, args.outcome, args.message);
    return args.outcome;
  });
}

/** Corrected materials after a rejection: the sealed personal data and the masked display form. */
export async function replaceEnterpriseApplication(db: Db, args: { verificationId: string; subject: Record<string, unknown>; piiEnc: string; facts: readonly ProcessFact[] }): Promise<void> {
  await transaction(db, async (tx) => {
    const [row] = await sql(tx)('verifications')
      .where({ id: args.verificationId, status: 'in_progress' })
      .update({ subject: JSON.stringify(args.subject), pii_enc: args.piiEnc, updated_at: sql(tx).fn.now() })
      .returning<{ id: string; account_id: string }[]>(['id', 'account_id']);
    // The corrected values are the application's now: its signals match on them, not on what they replaced.
    if (row) await replaceFacts(tx, { id: row.id, accountId: row.account_id }, args.facts);
  });
}

// ---------------------------------------------------------------- reads

/** Alone, or in the transaction of a change's switch (which reads the verification it ran). */
export const verificationById = (handle: Db | Tx, id: string): Promise<VerificationRow | undefined> =>
  sqlOf(handle)<VerificationRow>('verifications').where({ id }).first();

export const verificationsOf = (db: Db, accountId: string, limit: number, cursor?: string): Promise<Page<VerificationRow>> =>
  newestFirst<VerificationRow>(db('verifications').where({ account_id: accountId }), limit, cursor);
