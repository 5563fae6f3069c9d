import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A change's verification of its new subject belongs to the change: it takes no slot and writes nothing to the account.
  await knex.schema.alterTable('verifications', (t) => {
    t.text('change_id');
    // Recharge as a change's new-subject method: the matched transfer, credited by the switch (not before).
    t.jsonb('pending_credit');
  });
  // A binding is made by a verification or by a change's switch (an individual → individual change has no verification).
  await knex.schema.alterTable('identity_bindings', (t) => {
    t.text('verification_id').nullable().alter();
    t.text('change_id');
  });
  // The sealed personal fields of the current subject when a change set it (before: the verification's row holds them).
  await knex.schema.alterTable('accounts', (t) => {
    t.text('id_number_enc');
    t.text('pii_enc');
  });
}
