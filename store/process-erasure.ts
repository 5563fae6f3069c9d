import { erasePersonalFields } from '../domain/erasure';
import { ERASED } from '../domain/sealed-value';
import type { Db } from '../platform/db';
import { sql, transaction, type Tx } from './tx';

/**
 * Retention of unfinished processes (SPEC §11, RETENTION_UNFINISHED): a
 * verification that ended without verifying, or a change that did not
 * complete, keeps its personal data for the period, then loses it — its data
 * key destroyed (so every copy sealed under it, in rows and Temporal
 * histories, reads `[erased]`), its row scrubbed of what it holds outside
 * that key (names and masked numbers, the older `*_enc` seals, the identity's
 * keyed hash), and its reviews' applicants likewise. Status, method, times and
 * codes stay. Each process once: marked `personal_data_erased_at`.
 */

const UNFINISHED_VERIFICATION = ['failed', 'expired', 'cancelled'];
const UNFINISHED_CHANGE = ['failed', 'expired', 'revoked'];

type Row = { id: string } & Record<string, unknown>;

/** Up to `limit` unfinished processes of `table` that ended before `cutoff` and still hold personal data; locked ones are left for the next run. */
async function due(tx: Tx, table: 'verifications' | 'changes', statuses: string[], column: string, cutoff: Date, limit: number): Promise<Row[]> {
  if (limit <= 0) return [];
  return sql(tx)(table)
    .whereIn('status', statuses)
    .where('completed_at', '<', cutoff)
    .whereNull('personal_data_erased_at')
    .orderBy('completed_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select<Row[]>('id', column);
}

async function scrub(tx: Tx, table: string, column: string, rows: Row[], extra: Record<string, unknown>): Promise<void> {
  for (const row of rows) {
    const value = row[column] === null ? null : JSON.stringify(erasePersonalFields(row[column]));
    await sql(tx)(table).where({ id: row.id }).update({ [column]: value, ...extra });
  }
}

/** Erases up to `limit` unfinished processes that ended before `cutoff`; answers how many (the retention activity's batch). */
export function eraseUnfinishedBefore(db: Db, cutoff: Date, limit: number): Promise<number> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    const now = trx.fn.now();
    const verifications = await due(tx, 'verifications', UNFINISHED_VERIFICATION, 'subject', cutoff, limit);
    const changes = await due(tx, 'changes', UNFINISHED_CHANGE, 'request', cutoff, limit - verifications.length);
    await scrub(tx, 'verifications', 'subject', verifications, { id_number_enc: null, pii_enc: null, identity_hash: ERASED, next_action: null, personal_data_erased_at: now });
    await scrub(tx, 'changes', 'request', changes, { request_enc: null, next_action: null, personal_data_erased_at: now });
    const ids = [...verifications, ...changes].map((r) => r.id);
    if (ids.length === 0) return 0;
    const reviews: Row[] = await trx('reviews').whereIn('process_id', ids).forUpdate().select('id', 'applicant');
    await scrub(tx, 'reviews', 'applicant', reviews, { applicant_pii_enc: null });
    await trx('data_keys').whereIn('process_id', ids).whereNull('erased_at').update({ wrapped_key: null, erased_at: now, erased_by: 'retention' });
    return ids.length;
  });
}
