import type { Knex } from 'knex';

/**
 * Hosted pages' links and browser sessions (page_sessions) are deleted by
 * retention once both the link's hour and the browser session it opened are
 * over: the batches find those rows through this index on when a row last
 * opened anything. A session is ended by deleting its row (closure,
 * retention): the cookie names the row, so no column marks an end.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index page_sessions_ended_at on page_sessions ((coalesce(browser_session_expires_at, expires_at)))');
}
