import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // SPEC §5's cooling-off runs from the last verification *or change* that completed.
  await knex.schema.alterTable('accounts', (t) => {
    t.timestamp('last_completed_at', { useTz: true });
  });
  await knex.raw('update accounts set last_completed_at = verified_at where verified_at is not null');

  // Changes of the verified subject (SPEC §5); each is the read model of workflow change/<id>.
  await knex.schema.createTable('changes', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable().references('accounts.id');
    t.text('workflow_id').notNullable();
    t.text('type').notNullable();
    t.text('status').notNullable();
    t.text('step');
    t.jsonb('next_action');
    t.text('failure_reason');
    // What was asked for, personal fields masked; the full request sealed beside it.
    t.jsonb('request').notNullable();
    t.text('request_enc');
    t.jsonb('rejection');
    t.text('review_id');
    t.text('verification_id');
    t.integer('revision').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.index(['account_id', 'created_at']);
  });
}
