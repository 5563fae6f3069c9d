import type { Knex } from 'knex';

/**
 * Signals (SPEC §6): the facts of each process that other accounts' processes
 * may share — bank account, handler, legal person, contact mobile — as keyed
 * hashes under a purpose per kind (domain/keyed-hashes.ts `signalFactHash`),
 * never the values. Written with the process row; deleted with its personal
 * data (retention's erasure of the process, account closure: SPEC §11).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_facts', (t) => {
    t.text('process_id').notNullable();
    t.text('account_id').notNullable();
    t.text('kind').notNullable();
    t.text('fact_hash').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['process_id', 'kind', 'fact_hash']);
    // A review's signals: the other processes with the same fact.
    t.index(['kind', 'fact_hash']);
    // Closure deletes the account's.
    t.index(['account_id']);
  });
}
