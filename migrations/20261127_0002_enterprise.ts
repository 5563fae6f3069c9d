import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('verifications', (t) => {
    // Enterprise applications: every personal field (contact, legal person, handler, bank accounts), sealed as one JSON value.
    t.text('pii_enc');
    t.text('review_id');
    t.jsonb('rejection');
  });

  await knex.schema.createTable('uploads', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable();
    t.text('purpose').notNullable();
    t.text('content_type').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.text('storage_key').notNullable();
    // What OCR read from it (business licences), kept beside what the user submits.
    t.jsonb('ocr');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'created_at']);
  });

  await knex.schema.createTable('reviews', (t) => {
    t.text('id').primary();
    t.text('kind').notNullable();
    t.text('account_id').notNullable();
    t.text('process_id').notNullable();
    t.text('workflow_id').notNullable();
    // open | approved | rejected | revoked
    t.text('status').notNullable();
    t.jsonb('applicant').notNullable();
    t.jsonb('materials').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('reason');
    t.text('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['status', 'due_at']);
    t.index(['process_id']);
  });

  await knex.schema.createTable('notifications', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable();
    t.text('channel').notNullable();
    t.text('recipient').notNullable();
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.text('dedupe_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'created_at']);
  });

  // Money credited to cloud accounts (recharge verification); one entry per bank transfer.
  await knex.schema.createTable('ledger_entries', (t) => {
    t.bigIncrements('id');
    t.text('account_id').notNullable();
    t.bigInteger('amount_fen').notNullable();
    t.text('kind').notNullable();
    t.text('reference').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Recharge verifications waiting for money from a confirmed payer account: how incoming transfers find their workflow.
  await knex.schema.createTable('expected_transfers', (t) => {
    t.text('verification_id').primary();
    t.text('workflow_id').notNullable();
    t.text('from_account_hash').notNullable();
    t.integer('amount_fen').notNullable();
    t.text('status').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("create index expected_transfers_open on expected_transfers (from_account_hash) where status = 'open'");

  // ---- the sandbox providers' own state
  await knex.schema.createTable('sandbox_registry_enterprises', (t) => {
    t.text('credit_code').primary();
    t.text('name').notNullable();
    t.text('legal_rep_name').notNullable();
    t.text('legal_rep_id_enc').notNullable();
    t.text('status').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('sandbox_ocr_readings', (t) => {
    t.text('sha256').primary();
    t.text('enterprise_name').notNullable();
    t.text('credit_code').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('sandbox_bank_payouts', (t) => {
    t.text('request_id').primary();
    t.text('reference').notNullable();
    t.text('to_account_hash').notNullable();
    t.text('to_account_enc').notNullable();
    t.text('to_account_name').notNullable();
    t.integer('amount_fen').notNullable();
    // pending | settled | refused
    t.text('status').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('settles_at', { useTz: true }).notNullable();
    t.index(['to_account_hash']);
  });

  await knex.schema.createTable('sandbox_bank_transfers', (t) => {
    t.text('id').primary();
    t.text('from_account_hash').notNullable();
    t.text('from_account_enc').notNullable();
    t.text('from_account_name').notNullable();
    t.text('to_account_number').notNullable();
    t.integer('amount_fen').notNullable();
    t.text('refund_request_id').unique();
    t.timestamp('refunded_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['from_account_hash']);
  });
}
