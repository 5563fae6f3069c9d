import type { Knex } from 'knex';

/**
 * Account closure (SPEC §11): one closure per account, and the moment the
 * account stopped taking new processes (`accounts.closed_at`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.timestamp('closed_at', { useTz: true });
  });
  await knex.schema.createTable('account_closures', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable().unique().references('accounts.id');
    t.text('workflow_id').notNullable();
    t.text('status').notNullable();
    t.text('reason').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
  });
}
