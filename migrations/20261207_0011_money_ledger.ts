import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A recharge's own collection account (a virtual sub-account the bank opened for it): transfers are matched only
  // through the account they were sent to. Rows of recharges opened before dedicated accounts have none.
  await knex.schema.alterTable('expected_transfers', (t) => {
    t.text('collection_account').unique();
    t.text('account_id');
  });

  // Every transfer the platform received, and what became of it: held by the open process whose collection account
  // it reached, credited to a balance, matched for a change's switch, or refunded. One row per bank transfer, so each
  // fen is settled once; amounts in fen. No personal data: the payer appears as its keyed hash.
  await knex.schema.createTable('received_transfers', (t) => {
    t.text('transfer_id').primary();
    t.bigInteger('amount_fen').notNullable();
    t.text('to_account').notNullable();
    t.text('from_account_hash').notNullable();
    // The verification whose collection account it reached while that verification was open (null: no open process).
    t.text('verification_id');
    t.text('account_id');
    // held | matched | credited | refund_due | refunding | refunded | refund_refused
    t.text('state').notNullable();
    // Why it goes back (a stable code, for operators).
    t.text('refund_reason');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('settled_at', { useTz: true });
    t.timestamp('refunded_at', { useTz: true });
    t.index(['verification_id']);
  });
  await knex.raw("create index received_transfers_unsettled on received_transfers (settled_at) where state in ('refund_due', 'refunding')");

  // The sandbox bank's virtual sub-accounts of the platform's collection account: numbers it hands out once.
  await knex.schema.createTable('sandbox_bank_virtual_accounts', (t) => {
    t.text('account_number').primary();
    t.text('request_id').notNullable().unique();
    t.text('reference').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create sequence sandbox_bank_virtual_account_seq');
  // Refunds the sandbox bank refused for good (the sender's account no longer takes money).
  await knex.schema.alterTable('sandbox_bank_transfers', (t) => {
    t.timestamp('refund_refused_at', { useTz: true });
  });
}
