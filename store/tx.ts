import type { Knex } from 'knex';
import type { Db } from '../platform/db';

declare const opaque: unique symbol;

/**
 * A transaction a store function opened, handed to the store functions that
 * join it. Opaque outside store/: whoever holds one can pass it on, never
 * build SQL with it, so every statement stays in a named store function.
 */
export interface Tx {
  readonly [opaque]: 'store transaction';
}

/** The transaction under the handle (store/ only). */
export const sql = (tx: Tx): Knex.Transaction => tx as unknown as Knex.Transaction;

/** Either handle as a query builder, for a statement that runs alone or inside the caller's transaction. */
export const sqlOf = (handle: Db | Tx): Knex => handle as unknown as Knex;

export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>, config?: Knex.TransactionConfig): Promise<T> {
  return db.transaction((trx) => work(trx as unknown as Tx), config);
}

/**
 * The quota transactions count under the identity row's lock, which is only
 * right when the count sees what the lock's previous holder committed: they
 * ask for READ COMMITTED themselves rather than rely on the database's default.
 */
export const quotaTransaction = <T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> => transaction(db, work, { isolationLevel: 'read committed' });
