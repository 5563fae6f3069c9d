import type { WebhookEndpointStatus } from '../domain/webhook-health';
import type { Db } from '../platform/db';
import { deleteDueBatch } from './bounded-delete';
import { newestFirst, type Page } from './paging';

/**
 * Clients' webhook endpoints (the secret sealed; a deleted one keeps its row)
 * and each event's fate at each endpoint (webhook_deliveries).
 */

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string | null;
  secret_enc: string;
  created_at: Date;
  deleted_at: Date | null;
  status: WebhookEndpointStatus;
  /** Since when every attempt failed (null: the last was acknowledged, or none failed since it was enabled). */
  failing_since: Date | null;
  disabled_at: Date | null;
}

const endpoints = (db: Db) => db<WebhookEndpointRow>('webhook_endpoints');

/** The new endpoint's row; undefined when one with this id exists (a retried create). */
export async function insertEndpoint(db: Db, endpoint: { id: string; url: string; description: string | null; secretEnc: string }): Promise<WebhookEndpointRow | undefined> {
  const [created] = await endpoints(db)
    .insert({ id: endpoint.id, url: endpoint.url, description: endpoint.description, secret_enc: endpoint.secretEnc })
    .onConflict('id')
    .ignore()
    .returning('*');
  return created;
}

/** Deleted endpoints included: deliveries tell a deleted endpoint from one this database never had. */
export const endpointById = (db: Db, id: string): Promise<WebhookEndpointRow | undefined> => endpoints(db).where({ id }).first();

export const liveEndpointsPage = (db: Db, limit: number, cursor?: string): Promise<Page<WebhookEndpointRow>> =>
  newestFirst<WebhookEndpointRow>(endpoints(db).whereNull('deleted_at'), limit, cursor);

/** What the dispatcher addresses: every endpoint not deleted nor disabled, with when it was registered. */
export const liveEndpoints = (db: Db): Promise<Pick<WebhookEndpointRow, 'id' | 'created_at'>[]> =>
  endpoints(db).whereNull('deleted_at').where({ status: 'enabled' }).select('id', 'created_at');

/** A failed attempt: the endpoint counts as failing from the first one since it last acknowledged; returns its state. */
export async function noteDeliveryFailed(db: Db, id: string): Promise<Pick<WebhookEndpointRow, 'status' | 'failing_since'> | undefined> {
  const [row] = await endpoints(db)
    .where({ id })
    .update({ failing_since: db.raw('coalesce(failing_since, now())') as never })
    .returning(['status', 'failing_since']);
  return row;
}

/** An acknowledged attempt: the endpoint is no longer failing. */
export async function noteDeliveryAcknowledged(db: Db, id: string): Promise<void> {
  await endpoints(db).where({ id }).whereNotNull('failing_since').update({ failing_since: null });
}

/** Disables an enabled endpoint; false when it was not enabled (disabled once, by one attempt). */
export async function disableEndpoint(db: Db, id: string): Promise<boolean> {
  const changed = await endpoints(db).where({ id, status: 'enabled' }).update({ status: 'disabled', disabled_at: db.fn.now() as never });
  return changed > 0;
}

/** Turns an endpoint (back) on, its failures forgotten; undefined when there is no such endpoint (or it was deleted). */
export async function enableEndpoint(db: Db, id: string): Promise<WebhookEndpointRow | undefined> {
  const [row] = await endpoints(db).where({ id }).whereNull('deleted_at').update({ status: 'enabled', failing_since: null, disabled_at: null }).returning('*');
  return row;
}

/** Deletes the endpoint (its deliveries stop); false when there is none to delete. */
export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  const deleted = await endpoints(db).where({ id }).whereNull('deleted_at').update({ deleted_at: db.fn.now() });
  return deleted > 0;
}

/** One event's fate at one endpoint, as its latest attempt left it. */
export async function recordDelivery(
  db: Db,
  key: { endpointId: string; eventId: string },
  fields: { status: string; attempts?: number; last_status?: number | null; last_error: string | null },
): Promise<void> {
  await db('webhook_deliveries')
    .insert({ endpoint_id: key.endpointId, event_id: key.eventId, ...fields })
    .onConflict(['endpoint_id', 'event_id'])
    .merge({ ...fields, updated_at: db.fn.now() });
}

/**
 * Retention (SPEC §11, 30 days): deletes up to `limit` delivery records last
 * written before `cutoff`; returns how many. Every attempt writes its record,
 * and RETENTION_WEBHOOKS outlasts WEBHOOK_RETRY_FOR (domain/retention.ts), so a
 * record this old belongs to a delivery that is over.
 */
export const deleteDeliveriesBefore = (db: Db, cutoff: Date, limit: number): Promise<number> =>
  deleteDueBatch(db, 'webhook_deliveries', ['endpoint_id', 'event_id'], (rows) => rows.where('updated_at', '<', cutoff), limit);
