import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Clients' webhook endpoints (API.md "Webhooks to clients"). The signing secret is sealed with the PII cipher.
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.text('id').primary();
    t.text('url').notNullable();
    t.text('description');
    t.text('secret_enc').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Deleted endpoints stay (their delivery records name them) but receive nothing more.
    t.timestamp('deleted_at', { useTz: true });
    t.index(['created_at', 'id']);
  });

  // The outbox: one row per status or step change and per review decision, written in the
  // transaction of the change. `snapshot` is the row as it was then, without its sealed columns.
  await knex.schema.createTable('webhook_events', (t) => {
    // The order of the changes (per resource, the order they committed in: its row lock serializes them).
    t.bigIncrements('seq').primary();
    // evt_…, derived from the resource and its revision: a retried write records the same event once.
    t.text('id').notNullable().unique();
    t.text('type').notNullable();
    t.text('resource_id').notNullable();
    t.text('account_id');
    t.jsonb('snapshot').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Set once every endpoint's delivery workflow has the event.
    t.timestamp('dispatched_at', { useTz: true });
  });
  await knex.raw('create index webhook_events_undispatched on webhook_events (seq) where dispatched_at is null');

  // What became of each event at each endpoint: attempts, the last answer, delivered or given up.
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.text('endpoint_id').notNullable();
    t.text('event_id').notNullable();
    t.primary(['endpoint_id', 'event_id']);
    t.text('status').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('last_status');
    t.text('last_error');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // One dispatcher at a time hands events to the delivery workflows (in order); the others wait for its lease to lapse.
  await knex.schema.createTable('webhook_dispatcher_lease', (t) => {
    t.text('name').primary();
    t.text('holder').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}
