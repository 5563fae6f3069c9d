import type { Knex } from 'knex';

/**
 * Hosted pages (SPEC §13, API.md "Hosted pages"): one row per one-time link a
 * service-role client minted for an account. The link's token itself is never
 * stored, only its keyed hash (HMAC under the service's hash key), so a copy
 * of the table opens no page. The exchange sets used_at once (a second use is
 * refused) and records until when the browser session it opened lasts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('page_sessions', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable();
    t.text('token_hash').notNullable().unique();
    t.text('locale').notNullable();
    t.text('return_url');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('browser_session_expires_at', { useTz: true });
    t.index(['account_id']);
  });
}
