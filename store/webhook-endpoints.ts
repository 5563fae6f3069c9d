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

/** What the dispatcher addresses: every endpoint not deleted, with when it was registered. */
export const liveEndpoints = (db: Db): Promise<Pick<WebhookEndpointRow, 'id' | 'created_at'>[]> => endpoints(db).whereNull('deleted_at').select('id', 'created_at');

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
