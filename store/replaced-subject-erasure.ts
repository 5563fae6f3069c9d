import { SUBJECT_REPLACING_CHANGES } from '../domain/retention';
import { sealedProcessIds } from '../domain/sealed-value';
import type { Db } from '../platform/db';
import { ERASABLE_COLUMNS, eraseProcesses, type ErasableRow } from './process-erasure';
import type { BatchOutcome } from './retention';
import { sql, transaction, type Tx } from './tx';

/**
 * Retention of a replaced subject's record (SPEC §11,
 * RETENTION_REPLACED_SUBJECT): a change that completed and moved the account
 * to another identity (another person, another enterprise) ends the former
 * subject's purpose. Once the change completed longer ago than the period,
 * every verification and change of the account created before it is erased
 * as an unfinished process is (store/process-erasure.ts). The change itself
 * and its new subject's verifications stay: they describe the current subject
 * (an individual → individual change seals the new person under its own key).
 * So does whatever the account's current subject is sealed under, whatever its
 * age. The change is marked `former_subject_erased_at` once nothing of the
 * former subject holds personal data any more, so each is handled once.
 */

type DueChange = { id: string; account_id: string };
type Table = keyof typeof ERASABLE_COLUMNS;

/** Up to `limit` subject-replacing changes that completed before `cutoff` and are not handled yet, oldest first; locked ones wait. */
function dueChanges(tx: Tx, cutoff: Date, limit: number): Promise<DueChange[]> {
  return sql(tx)('changes')
    .where({ status: 'completed' })
    .whereIn('type', SUBJECT_REPLACING_CHANGES)
    .where('completed_at', '<', cutoff)
    .whereNull('former_subject_erased_at')
    .orderBy('completed_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select<DueChange[]>('id', 'account_id');
}

/** The processes the account's current subject is sealed under, and its verification: never erased as a former subject's. */
async function currentSubjectProcesses(tx: Tx, accountId: string): Promise<string[]> {
  const account: { verification_id: string | null; subject: unknown; id_number_enc: string | null; pii_enc: string | null } | undefined = await sql(tx)('accounts')
    .where({ id: accountId })
    .first('verification_id', 'subject', 'id_number_enc', 'pii_enc');
  if (!account) return [];
  const ids = sealedProcessIds([account.subject, account.id_number_enc, account.pii_enc]);
  if (account.verification_id) ids.add(account.verification_id);
  return [...ids];
}

/**
 * The former subject's processes of the change's account that still hold
 * personal data: created before the change (compared in the database, to the
 * microsecond), ended, and neither the change, its new subject's
 * verifications, nor one of `keep`.
 */
function formerProcesses(tx: Tx, table: Table, change: DueChange, keep: string[]) {
  const trx = sql(tx);
  const rows = trx(table)
    .where({ account_id: change.account_id })
    .where('created_at', '<', trx('changes').where({ id: change.id }).select('created_at'))
    .whereNull('personal_data_erased_at')
    .whereNot({ status: 'in_progress' })
    .whereNotIn('id', [change.id, ...keep]);
  return table === 'verifications' ? rows.where((q) => q.whereNull('change_id').orWhereNot('change_id', change.id)) : rows;
}

/** Up to `limit` of them, locked (rows locked elsewhere are left: the change is then not marked, and the next run goes on). */
async function lockFormer(tx: Tx, table: Table, change: DueChange, keep: string[], limit: number): Promise<ErasableRow[]> {
  if (limit <= 0) return [];
  return formerProcesses(tx, table, change, keep).orderBy('created_at').limit(limit).forUpdate().skipLocked().select<ErasableRow[]>(...ERASABLE_COLUMNS[table]);
}

async function formerSubjectErased(tx: Tx, change: DueChange, keep: string[]): Promise<boolean> {
  for (const table of ['verifications', 'changes'] as const) if (await formerProcesses(tx, table, change, keep).first('id')) return false;
  return true;
}

/**
 * Erases the former subjects of changes that completed before `cutoff`: at
 * most `limit` changes looked at and `limit` processes erased per batch (the
 * retention activity's). Answers how many processes it erased, and whether it
 * reached a bound having done something (then more may be due).
 */
export function eraseReplacedSubjectsBefore(db: Db, cutoff: Date, limit: number): Promise<BatchOutcome> {
  return transaction(db, async (tx) => {
    const changes = await dueChanges(tx, cutoff, limit);
    let erased = 0;
    let handled = 0;
    for (const change of changes) {
      if (erased >= limit) break;
      const keep = await currentSubjectProcesses(tx, change.account_id);
      const verifications = await lockFormer(tx, 'verifications', change, keep, limit - erased);
      const formerChanges = await lockFormer(tx, 'changes', change, keep, limit - erased - verifications.length);
      erased += await eraseProcesses(tx, verifications, formerChanges);
      if (await formerSubjectErased(tx, change, keep)) {
        const trx = sql(tx);
        await trx('changes').where({ id: change.id }).update({ former_subject_erased_at: trx.fn.now() });
        handled += 1;
      }
    }
    return { erased, full: erased + handled > 0 && (erased >= limit || changes.length === limit) };
  });
}
