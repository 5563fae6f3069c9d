import type { Knex } from 'knex';
import { accountStanding, changeRefusal, type ChangeRefusal, type ChangeType } from '../domain/change-rules';
import { recordMissing } from './failures';
import { endProcessRow, recordProgress } from './repository';
import { ensureAccount, postMessage, type AccountMessage } from './accounts';
import { processEvent, recordAudit } from '../platform/audit';
import { recordProcessEvent, type ProcessRecord } from '../platform/webhook-events';
import { RefundReason, settleHeld } from '../platform/money-ledger';

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
}

export type ChangeOpenResult = { opened: true } | { opened: false; refusal: ChangeRefusal };

/** Opens a change, or names the first refusal. Idempotent: a retry after the row was written reports it opened. */
export async function openChange(db: Knex, c: NewChange, now = new Date()): Promise<ChangeOpenResult> {
  return db.transaction(async (trx) => {
    const account = await ensureAccount(trx, c.accountId);
    if (await trx<ChangeRow>('changes').where({ id: c.id }).first('id')) return { opened: true };
    const refusal = changeRefusal(c.type, accountStanding(account), now, c.cooldownMs);
    if (refusal) return { opened: false, refusal };
    await trx('accounts').where({ id: c.accountId }).update({ open_process_kind: 'change', open_process_id: c.id, updated_at: trx.fn.now() });
    const [row] = await trx('changes')
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
    await recordProcessEvent(trx, 'changes', row!);
    await recordAudit(trx, processEvent({ id: c.id, account_id: c.accountId, workflow_id: c.workflowId }, 'change.opened', { type: c.type }, `${c.id}/opened`));
    return { opened: true };
  });
}

/** The change's step and next action; a stale revision (a retried older write) changes nothing. */
export const recordChangeProgress = (db: Knex, args: { changeId: string; revision: number; step: string | null; nextAction: unknown }) =>
  recordProgress(db, 'changes', { id: args.changeId, revision: args.revision, step: args.step, nextAction: args.nextAction });

export interface ChangeEnd {
  status: 'revoked' | 'expired' | 'failed';
  failureReason: string | null;
}

/** Ends a change that did not complete: the subject stays the original, the account's slot is free. Idempotent. */
export async function finishChange(db: Knex, args: { changeId: string; revision: number; outcome: ChangeEnd; message: AccountMessage }): Promise<ChangeTerminal> {
  return db.transaction(async (trx) => {
    const c = await lockChange(trx, args.changeId);
    if (c.status !== 'in_progress') return terminalOf(c);
    await closeChange(trx, c, args.revision, args.outcome, args.message);
    return args.outcome;
  });
}

export type ChangeTerminal = ChangeEnd | { status: 'completed'; failureReason: null };

export const terminalOf = (c: ChangeRow) => ({ status: c.status, failureReason: c.failure_reason }) as ChangeTerminal;

/** The change's row, locked for the rest of the transaction. */
export async function lockChange(trx: Knex.Transaction, changeId: string): Promise<ChangeRow> {
  const c = await trx<ChangeRow>('changes').where({ id: changeId }).forUpdate().first();
  if (!c) throw recordMissing(`change ${changeId}`);
  return c;
}

/**
 * Writes the change's outcome, frees the account's slot, settles the money its
 * verifications still hold (a recharge matched for a switch that did not
 * happen goes back) and posts the outcome to the message centre.
 */
export async function closeChange(
  trx: Knex.Transaction,
  c: ChangeRow,
  revision: number,
  outcome: ChangeTerminal,
  message: AccountMessage,
  reason: RefundReason = RefundReason.processEnded,
): Promise<void> {
  await endProcessRow(trx, 'changes', c, revision, outcome);
  await settleHeld(trx, { verificationIds: await changeVerificationIds(trx, c.id), reason });
  await postMessage(trx, c.account_id, `change/${c.id}/${outcome.status}`, message);
}

/** The verifications a change ran for its new subject. */
export async function changeVerificationIds(db: Knex, changeId: string): Promise<string[]> {
  return (await db('verifications').where({ change_id: changeId }).select<{ id: string }[]>('id')).map((r) => r.id);
}
