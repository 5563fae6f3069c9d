import { ERASED } from '../domain/sealed-value';
import type { Db } from '../platform/db';
import { eraseDataKeys } from './data-keys';
import { sql, transaction, type Tx } from './tx';

/**
 * Erasing a lookup's personal data (SPEC §11): its data key destroyed (the
 * name and ID number the person gave, sealed under it in the workflow's
 * history, read `[erased]` from then on), and its row loses the identity's
 * keyed hash and the accounts found. Status and times stay; each lookup once,
 * marked `personal_data_erased_at`.
 */

/** Scrubs these lookups (locked by the caller) and destroys their keys; answers how many. */
async function eraseLookups(tx: Tx, ids: string[], by: string): Promise<number> {
  if (ids.length === 0) return 0;
  const trx = sql(tx);
  await trx('identity_lookups').whereIn('id', ids).update({ identity_hash: ERASED, accounts: null, next_action: null, personal_data_erased_at: trx.fn.now() });
  await eraseDataKeys(tx, ids, by);
  return ids.length;
}

/**
 * Retention (RETENTION_UNFINISHED): a lookup never verifies anything, so
 * whatever its outcome its personal data goes once it ended longer ago than
 * the period. A run stopped outside its own code never writes its end: its
 * expiry counts instead. Locked ones are left for the next run.
 */
export function eraseLookupsBefore(db: Db, cutoff: Date, limit: number): Promise<number> {
  return transaction(db, async (tx) => {
    const rows: { id: string }[] = await sql(tx)('identity_lookups')
      .whereNull('personal_data_erased_at')
      .whereRaw('coalesce(completed_at, expires_at) < ?', [cutoff])
      .orderByRaw('coalesce(completed_at, expires_at)')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('id');
    return eraseLookups(tx, rows.map((r) => r.id), 'retention');
  });
}

/** Account closure: the lookups the account's token made (their keys are the account's and go with the others). */
export async function eraseLookupsOf(tx: Tx, accountId: string): Promise<number> {
  const rows: { id: string }[] = await sql(tx)('identity_lookups').where({ account_id: accountId }).whereNull('personal_data_erased_at').forUpdate().select('id');
  return eraseLookups(tx, rows.map((r) => r.id), 'closure');
}
