import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Claims (held by a reviewer until a time, kept by the workflow) and what happened to each review, oldest first.
  await knex.schema.alterTable('reviews', (t) => {
    t.text('claimed_by');
    t.timestamp('claimed_until', { useTz: true });
    t.jsonb('history').notNullable().defaultTo('[]');
  });
  // Reviews opened before this: their opening (and decision) as history.
  await knex.raw(`update reviews set history = jsonb_build_array(jsonb_build_object('at', created_at, 'action', 'opened'))
    || case when decided_at is null then '[]'::jsonb
            when status = 'revoked' then jsonb_build_array(jsonb_build_object('at', decided_at, 'action', 'revoked'))
            else jsonb_build_array(jsonb_build_object('at', decided_at, 'action', 'decided', 'by', jsonb_build_object('name', coalesce(decided_by, 'reviewer')), 'reason', reason)) end`);
}
