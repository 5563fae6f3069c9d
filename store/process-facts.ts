import type { ProcessFact, SharedFactRow } from '../domain/signals';
import type { Db } from '../platform/db';
import { sql, sqlOf, type Tx } from './tx';

/**
 * The keyed hashes of processes' facts (process_facts), for reviews' signals
 * (SPEC §6). Written in the transaction that opens the process; deleted with
 * the process's personal data (SPEC §11).
 */

/** The process's facts; a retry writes nothing twice. */
export async function recordFacts(tx: Tx, process: { id: string; accountId: string }, facts: readonly ProcessFact[]): Promise<void> {
  if (facts.length === 0) return;
  const rows = facts.map((f) => ({ process_id: process.id, account_id: process.accountId, kind: f.kind, fact_hash: f.hash }));
  await sql(tx)('process_facts').insert(rows).onConflict(['process_id', 'kind', 'fact_hash']).ignore();
}

/** The process's facts are these now (corrections after a rejected review replaced some values). */
export async function replaceFacts(tx: Tx, process: { id: string; accountId: string }, facts: readonly ProcessFact[]): Promise<void> {
  await sql(tx)('process_facts').where({ process_id: process.id }).delete();
  await recordFacts(tx, process, facts);
}

/** At most this many sharing processes are listed per review (newest first): a reviewer reads a ring, not a dump. */
const SHARED_LIMIT = 200;

/**
 * Other accounts' processes sharing a fact with this one, newest first, with
 * their status (a verification's or a change's). The same account's other
 * processes are left out: a retry by the same applicant is no ring.
 */
export function sharedFacts(db: Db, processId: string): Promise<SharedFactRow[]> {
  return sqlOf(db)('process_facts as f')
    .join('process_facts as o', (j) => j.on('o.kind', 'f.kind').andOn('o.fact_hash', 'f.fact_hash').andOn('o.account_id', '<>', 'f.account_id'))
    .leftJoin('verifications as v', 'v.id', 'o.process_id')
    .leftJoin('changes as c', 'c.id', 'o.process_id')
    .where('f.process_id', processId)
    .orderBy([{ column: 'o.created_at', order: 'desc' }, { column: 'o.process_id' }])
    .limit(SHARED_LIMIT)
    .select('f.kind', 'o.account_id', 'o.process_id', sqlOf(db).raw('coalesce(v.status, c.status) as status'));
}

/** Retention erased these processes' personal data: their facts go with it. */
export const deleteFactsOfProcesses = (tx: Tx, processIds: readonly string[]): Promise<number> =>
  processIds.length === 0 ? Promise.resolve(0) : sql(tx)('process_facts').whereIn('process_id', processIds).delete();

/** The account closed: every fact of its processes goes. */
export const deleteFactsOfAccount = (tx: Tx, accountId: string): Promise<number> => sql(tx)('process_facts').where({ account_id: accountId }).delete();
