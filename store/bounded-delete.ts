import type { Knex } from 'knex';
import type { Db } from '../platform/db';

/** Narrows a query on a table to its rows that are due for deletion. */
export type Due = (rows: Knex.QueryBuilder) => Knex.QueryBuilder;

/**
 * Deletes at most `limit` of the table's rows that `due` selects, by primary
 * key, in one short statement; returns how many. The rows are chosen FOR
 * UPDATE SKIP LOCKED: a row a request is writing right now is neither waited
 * for nor deleted (the next batch finds it, if it is still due), and a row
 * another request changed meanwhile is checked again as it now is.
 */
export async function deleteDueBatch(db: Db, table: string, primaryKey: readonly string[], due: Due, limit: number): Promise<number> {
  const chosen = due(db(table).select(...primaryKey)).limit(limit).forUpdate().skipLocked();
  const rows = db(table);
  // Counted from what it returns: the embedded database's knex client answers a bare delete with its raw result, not a count.
  const deleted: unknown[] = await (primaryKey.length === 1 ? rows.whereIn(primaryKey[0]!, chosen) : rows.whereIn([...primaryKey], chosen)).delete().returning(primaryKey[0]!);
  return deleted.length;
}
