import type { Knex } from 'knex';

/**
 * The event log and replay (API.md "Webhooks to clients"): events are listed
 * newest first (and kept 30 days from when they happened), an endpoint that
 * failed every delivery for WEBHOOK_DISABLE_AFTER is disabled until a PATCH
 * turns it back on, and a replay queues stored events for one endpoint, which
 * the dispatcher hands to that endpoint's delivery workflows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_endpoints', (t) => {
    t.text('status').notNullable().defaultTo('enabled');
    // Since when every attempt failed (null: the last one was acknowledged, or none failed since it was enabled).
    t.timestamp('failing_since', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
  });
  await knex.raw("alter table webhook_endpoints add constraint webhook_endpoints_status check (status in ('enabled', 'disabled'))");
  // The list (newest first, keyset on (created_at, id)) and retention (created_at < cutoff).
  await knex.raw('create index webhook_events_created_at_id on webhook_events (created_at, id)');

  await knex.schema.createTable('webhook_replays', (t) => {
    t.bigIncrements('seq').primary();
    t.text('endpoint_id').notNullable();
    // The event's outbox position (webhook_events.seq); an event retention deleted meanwhile is skipped.
    t.bigInteger('event_seq').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}
