import { closureRefusal, type ClosureRefusal } from '../domain/erasure';
import type { Db } from '../platform/db';
import { ensureAccount } from './accounts';
import { recordAudit, type AuditEvent } from './audit';
import { unsettledTransfersOf } from './ledger';
import { sql, sqlOf, transaction, type Tx } from './tx';
import { recordAccountClosed } from './webhook-events';

/**
 * Account closures (SPEC §11, API.md "Accounts"): one per account, written by
 * the closure workflow's activities only. Opening one re-checks the refusals
 * under the account's row lock — the lock every process takes as it opens —
 * and closes the account to new processes in the same transaction.
 */

export interface ClosureRow {
  id: string;
  account_id: string;
  workflow_id: string;
  status: 'pending' | 'completed';
  reason: string;
  requested_at: Date;
  completed_at: Date | null;
}

export type ClosureOpenResult = { opened: true; closureId: string } | { opened: false; code: Exclude<ClosureRefusal, 'ACCOUNT_CLOSED'> };

const closures = (handle: Db | Tx) => sqlOf(handle)<ClosureRow>('account_closures');

/** The workflow's own audit events about the account (never personal data: ids and statuses only). */
const closureEvent = (c: { closureId: string; accountId: string; workflowId: string }, action: string): AuditEvent => ({
  actor: { role: 'workflow', name: c.workflowId },
  action,
  resource: { kind: 'account', id: c.accountId },
  accountId: c.accountId,
  detail: { closureId: c.closureId },
  dedupeKey: `${c.closureId}/${action}`,
});

/**
 * Opens the account's closure unless a process is open or money is unsettled;
 * from its commit on, every verification or change refuses to open
 * (ACCOUNT_CLOSED). Idempotent: an account's closure opens once, and a later
 * call answers that one.
 */
export async function openClosure(db: Db, c: { closureId: string; accountId: string; workflowId: string; reason: string }): Promise<ClosureOpenResult> {
  return transaction(db, async (tx) => {
    const account = await ensureAccount(tx, c.accountId);
    const existing = await closures(tx).where({ account_id: c.accountId }).first();
    if (existing) return { opened: true, closureId: existing.id };
    const refusal = closureRefusal({
      openProcess: Boolean(account.open_process_id),
      unsettledTransfers: await unsettledTransfersOf(tx, c.accountId),
      balanceFen: Number(account.balance_fen),
    });
    if (refusal) return { opened: false, code: refusal };
    const trx = sql(tx);
    await closures(tx).insert({ id: c.closureId, account_id: c.accountId, workflow_id: c.workflowId, status: 'pending', reason: c.reason });
    await trx('accounts').where({ id: c.accountId }).update({ closed_at: trx.fn.now(), updated_at: trx.fn.now() });
    await recordAudit(tx, closureEvent(c, 'account.closing'));
    return { opened: true, closureId: c.closureId };
  });
}

/**
 * The closure's last step: completed, the audit event `account.closed` and
 * the webhook event `account.closed` (the account view as it now reads), each
 * written once however often this runs.
 */
export async function completeClosure(db: Db, c: { closureId: string; accountId: string; workflowId: string; accountView: Record<string, unknown> }): Promise<ClosureRow> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    await closures(tx).where({ id: c.closureId, status: 'pending' }).update({ status: 'completed', completed_at: trx.fn.now() });
    await recordAudit(tx, closureEvent(c, 'account.closed'));
    await recordAccountClosed(tx, c.accountId, c.closureId, c.accountView);
    const row = await closures(tx).where({ id: c.closureId }).first();
    if (!row) throw new Error(`closure ${c.closureId} vanished inside its transaction`);
    return row;
  });
}

// ---------------------------------------------------------------- reads

export const closureOf = (db: Db, accountId: string): Promise<ClosureRow | undefined> => closures(db).where({ account_id: accountId }).first();
