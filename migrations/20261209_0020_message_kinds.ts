import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // API.md: every message has a kind — `result` (outcomes and review results), `reminder` (before a deadline, SPEC §12),
  // `notice` (the rest). Every message posted so far told an outcome or a review result. From now on each writer names
  // its kind: the column keeps no default.
  await knex.schema.alterTable('messages', (t) => {
    t.text('kind').notNullable().defaultTo('result');
  });
  await knex.raw('alter table messages alter column kind drop default');
  await knex.raw("alter table messages add constraint messages_kind check (kind in ('result', 'reminder', 'notice'))");
}
