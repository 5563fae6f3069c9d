import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reviews', (t) => {
    // The applicant's personal fields as they were when the review opened, sealed like the verification's
    // (the `applicant` column is the masked copy). Admins see them in full.
    t.text('applicant_pii_enc');
  });
}
