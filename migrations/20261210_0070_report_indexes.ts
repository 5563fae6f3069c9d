import type { Knex } from 'knex';

/**
 * The admin reports read a time range: the audit export walks audit_events in
 * (at, seq) order a batch at a time (this index also serves retention's
 * `at < cutoff`, so it replaces the one on `at` alone), and the funnel reads
 * the verifications created in a range.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index audit_events_at_seq on audit_events (at, seq)');
  await knex.raw('drop index audit_events_at');
  await knex.raw('create index verifications_created_at on verifications (created_at)');
}
