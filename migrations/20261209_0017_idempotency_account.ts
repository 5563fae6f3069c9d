import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // SPEC §11: a stored answer repeats the resource it answered, people's names included (sealed under the master key
  // with the rest of the answer). The account it concerns is kept beside it, so the account's closure deletes its
  // answers without opening every answer of the last 24 hours. Null: the request concerned no account (or predates this).
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.text('account_id');
    t.index(['account_id']);
  });
}
