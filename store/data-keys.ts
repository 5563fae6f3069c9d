import type { DataKeyStore } from '../platform/data-keys';
import type { Db } from '../platform/db';
import { sqlOf, type Tx } from './tx';

/**
 * The per-process data keys (SPEC §11), wrapped by the master key. Apart from
 * every other table on purpose: nothing joins them to the data they open.
 */

export interface DataKeyRow {
  process_id: string;
  account_id: string;
  /** Null once erased. */
  wrapped_key: string | null;
  created_at: Date;
  erased_at: Date | null;
  erased_by: string | null;
}

export const dataKeyOf = (db: Db, processId: string): Promise<DataKeyRow | undefined> =>
  sqlOf(db)<DataKeyRow>('data_keys').where({ process_id: processId }).first();

/** Stores a process's key unless it has one (two writers racing both end up with the first): answers the key that holds. */
export async function insertDataKey(db: Db, key: { processId: string; accountId: string; wrappedKey: string }): Promise<DataKeyRow> {
  const [inserted] = await sqlOf(db)<DataKeyRow>('data_keys')
    .insert({ process_id: key.processId, account_id: key.accountId, wrapped_key: key.wrappedKey })
    .onConflict('process_id')
    .ignore()
    .returning('*');
  // Nothing returned: the process had its key already (another writer's), which is the one that holds.
  const row = inserted ?? (await dataKeyOf(db, key.processId));
  if (!row) throw new Error(`data key of ${key.processId} vanished after its insert`);
  return row;
}

/** Destroys the keys of these processes (idempotent): what they sealed can never be opened again. Answers how many it destroyed now. */
export async function eraseDataKeys(db: Db | Tx, processIds: string[], by: string): Promise<number> {
  if (processIds.length === 0) return 0;
  return sqlOf(db)('data_keys')
    .whereIn('process_id', processIds)
    .whereNull('erased_at')
    .update({ wrapped_key: null, erased_at: sqlOf(db).fn.now(), erased_by: by });
}

/** Every process of an account that has a key (erased or not): what its closure erases. */
export async function dataKeyProcessesOf(db: Db, accountId: string): Promise<string[]> {
  const rows: { process_id: string }[] = await sqlOf(db)('data_keys').where({ account_id: accountId }).select('process_id');
  return rows.map((r) => r.process_id);
}

/** The table as platform/data-keys.ts asks for it. */
export const dataKeyStore = (db: Db): DataKeyStore => ({
  get: async (processId) => {
    const row = await dataKeyOf(db, processId);
    return row && { wrappedKey: row.wrapped_key };
  },
  getMany: async (processIds) => {
    const rows = await sqlOf(db)<DataKeyRow>('data_keys').whereIn('process_id', processIds).select('process_id', 'wrapped_key');
    return new Map(rows.map((row) => [row.process_id, { wrappedKey: row.wrapped_key }]));
  },
  insert: async (key) => ({ wrappedKey: (await insertDataKey(db, key)).wrapped_key }),
  erase: (processIds, by) => eraseDataKeys(db, processIds, by),
});
