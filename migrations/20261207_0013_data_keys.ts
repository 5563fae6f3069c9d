import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // SPEC §11: one data key per process (a verification, a change, a lookup) under which its personal values are
  // sealed field by field. The key is stored wrapped by the master key (PII_ENCRYPTION_KEY, with its key id, so the
  // master key rotates without re-encrypting data) in its own table, apart from the data: erasure destroys the key
  // (wrapped_key set to null), and every copy sealed under it — rows, Temporal histories, files — becomes unreadable.
  await knex.schema.createTable('data_keys', (t) => {
    t.text('process_id').primary();
    t.text('account_id').notNullable();
    t.text('wrapped_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('erased_at', { useTz: true });
    // Why it was erased: retention (unfinished, replaced) or the account's closure.
    t.text('erased_by');
    t.index(['account_id']);
  });
}
