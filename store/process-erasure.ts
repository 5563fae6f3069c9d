import { erasePersonalFields } from '../domain/erasure';
import { ERASED } from '../domain/sealed-value';
import type { Db } from '../platform/db';
import { deleteFactsOfProcesses } from './process-facts';
import { sql, transaction, type Tx } from './tx';
import { recheckUploadsOf } from './upload-erasure';

/**
 * Retention's erasure of single processes (SPEC §11): a process loses its
 * personal data — its data key destroyed (so every copy sealed under it, in
 * rows and Temporal histories, reads `[erased]`), its row scrubbed of what it
 * holds outside that key (names and masked numbers, the older `*_enc` seals,
 * the identity's keyed hash, its facts' hashes for signals), and its reviews' applicants likewise. Status,
 * method, times and codes stay. Each process once: marked
 * `personal_data_erased_at`. Two categories erase this way: unfinished
 * processes (RETENTION_UNFINISHED, here) and a replaced subject's processes
 * (RETENTION_REPLACED_SUBJECT, store/replaced-subject-erasure.ts).
 */

const UNFINISHED_VERIFICATION = ['failed', 'expired', 'cancelled'];
const UNFINISHED_CHANGE = ['failed', 'expired', 'revoked'];

/** A process row as erasure reads it, locked by the caller: its id, account and the JSON column it scrubs. */
export type ErasableRow = { id: string; account_id: string } & Record<string, unknown>;

/** The columns erasure reads of each table (the JSON column is the one it scrubs). */
export const ERASABLE_COLUMNS = { verifications: ['id', 'account_id', 'subject'], changes: ['id', 'account_id', 'request'] } as const;

/** Up to `limit` unfinished processes of `table` that ended before `cutoff` and still hold personal data; locked ones are left for the next run. */
async function due(tx: Tx, table: 'verifications' | 'changes', statuses: string[], cutoff: Date, limit: number): Promise<ErasableRow[]> {
  if (limit <= 0) return [];
  return sql(tx)(table)
    .whereIn('status', statuses)
    .where('completed_at', '<', cutoff)
    .whereNull('personal_data_erased_at')
    .orderBy('completed_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select<ErasableRow[]>(...ERASABLE_COLUMNS[table]);
}

type Row = { id: string } & Record<string, unknown>;

async function scrub(tx: Tx, table: string, column: string, rows: Row[], extra: Record<string, unknown>): Promise<void> {
  for (const row of rows) {
    const value = row[column] === null ? null : JSON.stringify(erasePersonalFields(row[column]));
    await sql(tx)(table).where({ id: row.id }).update({ [column]: value, ...extra });
  }
}

/**
 * Erases these processes, whose rows the caller locked (read with
 * ERASABLE_COLUMNS), in the caller's transaction; answers how many. Their
 * accounts' uploads are looked at again by the uploads' retention: what these
 * processes used may be used by nothing now.
 */
export async function eraseProcesses(tx: Tx, verifications: ErasableRow[], changes: ErasableRow[]): Promise<number> {
  const trx = sql(tx);
  const now = trx.fn.now();
  await scrub(tx, 'verifications', 'subject', verifications, { id_number_enc: null, pii_enc: null, identity_hash: ERASED, next_action: null, personal_data_erased_at: now });
  await scrub(tx, 'changes', 'request', changes, { request_enc: null, next_action: null, personal_data_erased_at: now });
  const processes = [...verifications, ...changes];
  if (processes.length === 0) return 0;
  const ids = processes.map((r) => r.id);
  const reviews: Row[] = await trx('reviews').whereIn('process_id', ids).forUpdate().select('id', 'applicant');
  await scrub(tx, 'reviews', 'applicant', reviews, { applicant_pii_enc: null });
  // The keyed hashes its reviews' signals matched on (SPEC §11: deleted with it).
  await deleteFactsOfProcesses(tx, ids);
  await trx('data_keys').whereIn('process_id', ids).whereNull('erased_at').update({ wrapped_key: null, erased_at: now, erased_by: 'retention' });
  await recheckUploadsOf(tx, processes.map((r) => r.account_id));
  return ids.length;
}

/** Erases up to `limit` unfinished processes that ended before `cutoff`; answers how many (the retention activity's batch). */
export function eraseUnfinishedBefore(db: Db, cutoff: Date, limit: number): Promise<number> {
  return transaction(db, async (tx) => {
    const verifications = await due(tx, 'verifications', UNFINISHED_VERIFICATION, cutoff, limit);
    const changes = await due(tx, 'changes', UNFINISHED_CHANGE, cutoff, limit - verifications.length);
    return eraseProcesses(tx, verifications, changes);
  });
}
