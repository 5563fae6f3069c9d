import type { Knex } from 'knex';

/**
 * Find my accounts, self-service (SPEC §12): one row per lookup, written by
 * its workflow. It keeps no personal value: the name and ID number the person
 * gave travel sealed under the lookup's own data key (data_keys, process id
 * lkp_…), in its workflow's history only. The row holds the status, the
 * identity's keyed hash (the daily limit counts by it), times, and once the
 * check passed the accounts found; retention erases the hash and the result
 * RETENTION_UNFINISHED after the lookup ended (marking personal_data_erased_at).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('identity_lookups', (t) => {
    t.text('id').primary();
    t.text('workflow_id').notNullable();
    // The account whose token started it (only that token reads it); null: the service role.
    t.text('account_id');
    t.text('subject_type').notNullable();
    t.text('identity_hash').notNullable();
    t.text('status').notNullable();
    t.text('step');
    t.jsonb('next_action');
    t.text('failure_reason');
    // [{ accountId, subjectType, verifiedAt }] once the check passed.
    t.jsonb('accounts');
    // Written by the workflow with increasing revisions, so a late retry of an older write cannot win.
    t.integer('revision').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('personal_data_erased_at', { useTz: true });
    // The daily limit: an identity's lookups of the last 24 hours.
    t.index(['identity_hash', 'created_at']);
    t.index(['account_id']);
  });
  // Retention: lookups not erased yet, by when they ended (a run stopped outside its code never ends: its expiry counts).
  await knex.raw('create index identity_lookups_to_erase on identity_lookups ((coalesce(completed_at, expires_at))) where personal_data_erased_at is null');
}
