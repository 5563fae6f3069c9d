import { MessageKind } from '../domain/constants';
import { accountStanding, changeRefusal, type ChangeRefusal, type ChangeType } from '../domain/change-rules';
import type { ProcessFact } from '../domain/signals';
import type { Db } from '../platform/db';
import { recordMissing } from '../platform/failures';
import { claimSlot, ensureAccount, postToInbox, type MessageText } from './accounts';
import { processEvent, recordAudit } from './audit';
import { RefundReason, settleHeld } from './ledger';
import { newestFirst, type Page } from './paging';
import { recordFacts } from './process-facts';
import { endProcessRow, recordProgress } from './processes';
import { sql, sqlOf, transaction, type Tx } from './tx';
import { recordProcessEvent, type ProcessRecord } from './webhook-events';

/**
 * The read model of changes of subject (SPEC §5): opening one claims the
 * account's single open-process slot — so a change and a verification never
 * run side by side — after the refusals of API.md in their order, checked in
 * the same transaction that claims the slot.
 */

export interface NewChange {
  id: string;
  accountId: string;
  workflowId: string;
  type: ChangeType;
  /** The request with personal fields masked, and sealed in full. */
  request: Record<string, unknown>;
  requestEnc: string | null;
  expiresAt: Date;
  cooldownMs: number;
  /** Its facts' keyed hashes, for reviews' signals (SPEC §6): written with the row. */
  facts?: readonly ProcessFact[];
}

export interface ChangeRow {
  id: string;
  account_id: string;
  workflow_id: string;
  type: ChangeType;
  status: 'in_progress' | 'completed' | 'revoked' | 'expired' | 'failed';
  step: string | null;
  next_action: unknown;
  failure_reason: string | null;
  request: Record<string, unknown>;
  request_enc: string | null;
  rejection: { reason: string; at: string } | null;
  review_id: string | null;
  verification_id: string | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  completed_at: Date | null;
  /** When retention erased its personal data (SPEC §11: RETENTION_UNFINISHED). */
  personal_data_erased_at?: Date | null;
}

export type ChangeOpenResult = { opened: true } | { opened: false; refusal: ChangeRefusal };

/** Opens a change, or names the first refusal. Idempotent: a retry after the row was written reports it opened. */
export async function openChange(db: Db, c: NewChange, now = new Date()): Promise<ChangeOpenResult> {
  return transaction(db, async (tx) => {
    const account = await ensureAccount(tx, c.accountId);
    if (await sql(tx)<ChangeRow>('changes').where({ id: c.id }).first('id')) return { opened: true };
    if (account.closed_at) return { opened: false, refusal: { code: 'ACCOUNT_CLOSED' } };
    const refusal = changeRefusal(c.type, accountStanding(account), now, c.cooldownMs);
    if (refusal) return { opened: false, refusal };
    await claimSlot(tx, c.accountId, { kind: 'change', id: c.id });
    const [row] = await sql(tx)('changes')
      .insert({
        id: c.id,
        account_id: c.accountId,
        workflow_id: c.workflowId,
        type: c.type,
        status: 'in_progress',
        request: JSON.stringify(c.request),
        request_enc: c.requestEnc,
        expires_at: c.expiresAt,
      })
      .returning<ProcessRecord[]>('*');
    await recordProcessEvent(tx, 'changes', row!);
    await recordFacts(tx, { id: c.id, accountId: c.accountId }, c.facts ?? []);
    await recordAudit(tx, processEvent({ id: c.id, account_id: c.accountId, workflow_id: c.workflowId }, 'change.opened', { type: c.type }, `${c.id}/opened`));
    return { opened: true };
  });
}

/** The change's step and next action; a stale revision (a retried older write) changes nothing. */
export const recordChangeProgress = (db: Db, args: { changeId: string; revision: number; step: string | null; nextAction: unknown }) =>
  recordProgress(db, 'changes', { id: args.changeId, revision: args.revision, step: args.step, nextAction: args.nextAction });

export interface ChangeEnd {
  status: 'revoked' | 'expired' | 'failed';
  failureReason: string | null;
}

/** Ends a change that did not complete: the subject stays the original, the account's slot is free. Idempotent. */
export async function finishChange(db: Db, args: { changeId: string; revision: number; outcome: ChangeEnd; message: MessageText }): Promise<ChangeTerminal> {
  return transaction(db, async (tx) => {
    const c = await lockChange(tx, args.changeId);
    if (c.status !== 'in_progress') return terminalOf(c);
    await closeChange(tx, c, args.revision, args.outcome, args.message);
    return args.outcome;
  });
}

export type ChangeTerminal = ChangeEnd | { status: 'completed'; failureReason: null };

export const terminalOf = (c: ChangeRow) => ({ status: c.status, failureReason: c.failure_reason }) as ChangeTerminal;

/** The change's row, locked for the rest of the transaction. */
export async function lockChange(tx: Tx, changeId: string): Promise<ChangeRow> {
  const c = await sql(tx)<ChangeRow>('changes').where({ id: changeId }).forUpdate().first();
  if (!c) throw recordMissing(`change ${changeId}`);
  return c;
}

/**
 * Writes the change's outcome, frees the account's slot, settles the money its
 * verifications still hold (a recharge matched for a switch that did not
 * happen goes back) and posts the outcome to the message centre.
 */
export async function closeChange(
  tx: Tx,
  c: ChangeRow,
  revision: number,
  outcome: ChangeTerminal,
  message: MessageText,
  reason: RefundReason = RefundReason.processEnded,
): Promise<void> {
  await endProcessRow(tx, 'changes', c, revision, outcome);
  await settleHeld(tx, { verificationIds: await changeVerificationIds(tx, c.id), reason });
  await postToInbox(tx, c.account_id, `change/${c.id}/${outcome.status}`, { kind: MessageKind.result, ...message });
}

/** The verification now running for the change's new subject (in the transaction that opens it). */
export async function attachVerification(tx: Tx, changeId: string, verificationId: string): Promise<void> {
  const trx = sql(tx);
  await trx('changes').where({ id: changeId }).update({ verification_id: verificationId, updated_at: trx.fn.now() });
}

/** The verifications a change ran for its new subject: alone, or in the transaction that closes it. */
export async function changeVerificationIds(handle: Db | Tx, changeId: string): Promise<string[]> {
  return (await sqlOf(handle)('verifications').where({ change_id: changeId }).select<{ id: string }[]>('id')).map((r) => r.id);
}

// ---------------------------------------------------------------- reads

export const changeById = (db: Db, id: string): Promise<ChangeRow | undefined> => db<ChangeRow>('changes').where({ id }).first();

export const changesOf = (db: Db, accountId: string, limit: number, cursor?: string): Promise<Page<ChangeRow>> =>
  newestFirst<ChangeRow>(db('changes').where({ account_id: accountId }), limit, cursor);
