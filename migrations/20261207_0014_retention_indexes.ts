import type { Knex } from 'knex';

/**
 * Retention (SPEC §11) deletes each category by age, a batch at a time: each
 * batch finds its oldest rows through an index instead of scanning the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index idempotency_keys_created_at on idempotency_keys (created_at)');
  await knex.raw('create index provider_events_received_at on provider_events (received_at)');
  await knex.raw('create index webhook_deliveries_updated_at on webhook_deliveries (updated_at)');
  await knex.raw('create index webhook_events_dispatched_at on webhook_events (dispatched_at) where dispatched_at is not null');
  await knex.raw('create index audit_events_at on audit_events (at)');
}
