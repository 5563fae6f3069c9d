import type { Db } from '../platform/db';
import { ensureAccount, switchAccountSubject, type MessageText, type AccountRow, type NextSubject } from './accounts';
import { processEvent, recordAudit } from './audit';
import { closeChange, lockChange, terminalOf, type ChangeRow, type ChangeTerminal } from './changes';
import { bindIdentity, lockIdentity, releaseBindings } from './identities';
import { creditTransfer, RefundReason } from './ledger';
import { quotaTransaction, type Tx } from './tx';

/**
 * The switch that completes a change of subject (SPEC §5), in one transaction:
 * the old identity's slot released and the new identity's taken under the same
 * locked count as a verification's completion, the subject with its sealed
 * personal fields, `verifiedAt`, a new cooling-off, and (recharge as the new
 * subject's method) the matched transfer credited. A quota that no longer fits
 * fails the change and changes nothing else. Idempotent.
 */

/** Runs recorded before the money ledger may carry `refund` (their change workflows then refund it themselves). */
export type SwitchResult = ChangeTerminal & { refund?: { transferId: string; requestId: string } };

/**
 * What the account becomes, decided by the caller inside the switch's
 * transaction from the locked change and account (`tx` joins the store reads
 * it needs, e.g. the verification the change ran).
 */
export type PlanSwitch = (change: ChangeRow, account: AccountRow, tx: Tx) => Promise<NextSubject>;

export async function switchSubject(
  db: Db,
  args: { changeId: string; revision: number; messages: { completed: MessageText; quotaExceeded: MessageText } },
  plan: PlanSwitch,
): Promise<SwitchResult> {
  return quotaTransaction(db, async (tx) => {
    const c = await lockChange(tx, args.changeId);
    if (c.status !== 'in_progress') return terminalOf(c);
    const account = await ensureAccount(tx, c.account_id);
    const next = await plan(c, account, tx);

    const newIdentity = next.identityHash !== account.identity_hash;
    if (newIdentity) {
      const quota = await lockIdentity(tx, next.identityHash, next.subjectType);
      if (quota.used >= quota.limit) {
        const outcome = { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' } as const;
        // A recharge matched for this switch goes back (closeChange settles it).
        await closeChange(tx, c, args.revision, outcome, args.messages.quotaExceeded, RefundReason.identityQuotaExceeded);
        return outcome;
      }
      await releaseBindings(tx, c.account_id);
      await bindIdentity(tx, { identityHash: next.identityHash, accountId: c.account_id, verificationId: next.verificationId, changeId: c.id });
    }
    if (next.credit) await creditTransfer(tx, { transferId: next.credit.reference, accountId: c.account_id, amountFen: next.credit.amountFen });
    await switchAccountSubject(tx, c.account_id, next, newIdentity);
    await recordAudit(tx, {
      ...processEvent(c, 'account.subject_changed', { changeId: c.id, subjectType: next.subjectType, newIdentity }, `${c.id}/switched`),
      resource: { kind: 'account', id: c.account_id },
    });
    const outcome = { status: 'completed', failureReason: null } as const;
    await closeChange(tx, c, args.revision, outcome, args.messages.completed);
    return outcome;
  });
}
