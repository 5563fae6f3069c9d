import type { Db } from '../platform/db';
import { sqlOf } from './tx';

/**
 * Data keys that never got a process (SPEC §11, RETENTION_UNFINISHED): the API
 * seals a verification's, a change's or a lookup's people under its key
 * before the workflow starts, and the workflow writes the process's row only
 * once it opens. A start refused at that point (the quota, another process
 * already open, a lookup's daily limit) or never carried out leaves a key with
 * values sealed under it in the run's history and nothing else: it is erased like an unfinished process's,
 * once as old as the period. A key of an account with a process open is left
 * alone (a change's new subject is sealed under its verification's key long
 * before that verification's row exists).
 */
export async function eraseOrphanKeysBefore(db: Db, cutoff: Date, limit: number): Promise<number> {
  const trx = sqlOf(db);
  const orphans = trx('data_keys as k')
    .whereNull('k.erased_at')
    .where('k.created_at', '<', cutoff)
    .where((q) => q.whereLike('k.process_id', 'ver\\_%').orWhereLike('k.process_id', 'chg\\_%').orWhereLike('k.process_id', 'lkp\\_%'))
    .whereNotExists((q) => q.select(trx.raw('1')).from('verifications as v').whereRaw('v.id = k.process_id'))
    .whereNotExists((q) => q.select(trx.raw('1')).from('changes as c').whereRaw('c.id = k.process_id'))
    .whereNotExists((q) => q.select(trx.raw('1')).from('identity_lookups as l').whereRaw('l.id = k.process_id'))
    .whereNotExists((q) => q.select(trx.raw('1')).from('accounts as a').whereRaw('a.id = k.account_id').whereNotNull('a.open_process_id'))
    .orderBy('k.created_at')
    .limit(limit)
    .select('k.process_id');
  return trx('data_keys').whereIn('process_id', orphans).whereNull('erased_at').update({ wrapped_key: null, erased_at: trx.fn.now(), erased_by: 'retention' });
}
