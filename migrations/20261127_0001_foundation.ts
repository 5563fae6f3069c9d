import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.text('id').primary();
    t.text('verification_status').notNullable().defaultTo('unverified');
    t.text('subject_type');
    // Masked display form of the verified subject; plaintext ID numbers never live here.
    t.jsonb('subject');
    t.text('subject_name');
    t.text('identity_hash');
    t.text('verified_method');
    t.timestamp('verified_at', { useTz: true });
    t.text('verification_id');
    t.text('open_process_kind');
    t.text('open_process_id');
    t.bigInteger('balance_fen').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table accounts add constraint accounts_open_process_pair
    check ((open_process_kind is null) = (open_process_id is null))`);

  await knex.schema.createTable('identities', (t) => {
    t.text('identity_hash').primary();
    t.text('subject_type').notNullable();
    // null: the default quota of the subject type applies.
    t.integer('quota_limit');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('identity_bindings', (t) => {
    t.bigIncrements('id');
    t.text('identity_hash').notNullable().references('identities.identity_hash');
    t.text('account_id').notNullable().references('accounts.id');
    t.text('verification_id').notNullable();
    t.timestamp('bound_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('released_at', { useTz: true });
  });
  await knex.raw('create unique index identity_bindings_one_active_per_account on identity_bindings (account_id) where released_at is null');
  await knex.raw('create index identity_bindings_active_by_identity on identity_bindings (identity_hash) where released_at is null');

  await knex.schema.createTable('verifications', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable().references('accounts.id');
    t.text('workflow_id').notNullable();
    t.text('subject_type').notNullable();
    t.text('method').notNullable();
    t.text('status').notNullable();
    t.text('step');
    t.jsonb('next_action');
    t.text('failure_reason');
    t.jsonb('subject').notNullable();
    t.text('id_number_enc');
    t.text('identity_hash').notNullable();
    // Written by the workflow with increasing revisions, so a late retry of an older write cannot win.
    t.integer('revision').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.index(['account_id', 'created_at']);
  });

  await knex.schema.createTable('messages', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable();
    t.text('title').notNullable();
    t.text('body').notNullable();
    // One message per event even when the activity that posts it is retried.
    t.text('dedupe_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true });
    t.index(['account_id', 'created_at']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('principal').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    // Ids of created resources derive from it, so a retried request reaches the same workflow.
    t.text('seed').notNullable();
    t.text('state').notNullable();
    t.integer('response_status');
    t.jsonb('response_body');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['principal', 'key']);
  });

  await knex.schema.createTable('provider_events', (t) => {
    t.text('provider').notNullable();
    t.text('event_id').notNullable();
    t.text('type').notNullable();
    t.text('reference');
    t.text('outcome').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['provider', 'event_id']);
  });

  // The sandbox providers' own state: what a real provider would keep on its side.
  await knex.schema.createTable('sandbox_tickets', (t) => {
    t.text('ticket').primary();
    t.text('provider').notNullable();
    t.text('kind').notNullable();
    t.text('reference').notNullable();
    t.text('request_id').notNullable();
    t.text('qr_content').notNullable();
    t.text('status').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.unique(['provider', 'request_id']);
  });

  await knex.schema.createTable('sandbox_callbacks', (t) => {
    t.text('event_id').primary();
    t.text('provider').notNullable();
    t.jsonb('payload').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.integer('last_status');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create index sandbox_callbacks_pending on sandbox_callbacks (next_attempt_at) where delivered_at is null');
}
