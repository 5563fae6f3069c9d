import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every state change and decision: who, when, what, from which request. Append-only; no personal data.
  await knex.schema.createTable('audit_events', (t) => {
    // The order events were written in (timestamps tie within one transaction).
    t.bigIncrements('seq').primary();
    t.text('id').notNullable().unique();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor_role').notNullable();
    t.text('actor_name').notNullable();
    t.text('action').notNullable();
    t.text('resource_kind').notNullable();
    t.text('resource_id').notNullable();
    t.text('account_id');
    t.text('process_id');
    t.text('request_id');
    t.jsonb('detail').notNullable().defaultTo('{}');
    // A process's event is written in the transaction of its state change; an activity's retry finds it written.
    t.text('dedupe_key').unique();
    t.index(['account_id', 'seq']);
    t.index(['process_id', 'seq']);
  });
}
