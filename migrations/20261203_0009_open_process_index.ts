import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The open_processes gauge counts what is in progress at every scrape: only those rows are indexed.
  await knex.raw("create index verifications_open_by_step on verifications (method, step) where status = 'in_progress'");
  await knex.raw("create index changes_open_by_step on changes (type, step) where status = 'in_progress'");
}
