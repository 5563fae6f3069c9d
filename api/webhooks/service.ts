import { randomBytes } from 'node:crypto';
import { appError } from '../../domain/errors';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { idFromSeed } from '../../platform/ids';
import type { ProcessKeys } from '../../platform/data-keys';
import { deleteEndpoint, enableEndpoint, endpointById, insertEndpoint, liveEndpointsPage, type WebhookEndpointRow } from '../../store/webhook-endpoints';
import { eventsPage, queueReplay, type EventFilter, type ReplaySelection } from '../../store/webhook-event-log';
import { openedBody, webhookEventBody, type WebhookRenderDeps } from '../../webhooks/payloads';
import { timestamp } from '../../views/time';

/**
 * Clients' webhook endpoints (API.md "Webhooks to clients"). The signing
 * secret is shown once, in the answer that creates the endpoint, and kept
 * sealed with the PII cipher; deleting an endpoint stops its deliveries.
 */

const endpointView = (row: WebhookEndpointRow) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  status: row.status,
  disabledAt: timestamp(row.disabled_at),
  createdAt: timestamp(row.created_at)!,
});

export function buildWebhookEndpointService(deps: { db: Db; cipher: PiiCipher; keys: ProcessKeys; render: WebhookRenderDeps }) {
  const { db, cipher } = deps;
  const liveEndpoint = async (id: string) => {
    const endpoint = await endpointById(db, id);
    if (!endpoint || endpoint.deleted_at) throw appError('NOT_FOUND', 'No such webhook endpoint.');
    return endpoint;
  };

  return {
    /** The id derives from the request's seed: a retry with its Idempotency-Key answers the same endpoint, without its secret. */
    async create(body: { url: string; description?: string | undefined }, seed: string) {
      const id = idFromSeed('whe', seed);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const created = await insertEndpoint(db, { id, url: body.url, description: body.description ?? null, secretEnc: cipher.encrypt(secret) });
      if (created) return { ...endpointView(created), secret };
      return endpointView((await endpointById(db, id))!);
    },

    async list(limit: number, cursor?: string) {
      const page = await liveEndpointsPage(db, limit, cursor);
      return { items: page.items.map(endpointView), nextCursor: page.nextCursor };
    },

    /** PATCH `{ status: "enabled" }`: a disabled endpoint receives new events again (what it missed: replay). */
    async enable(id: string) {
      const row = await enableEndpoint(db, id);
      if (!row) throw appError('NOT_FOUND', 'No such webhook endpoint.');
      return endpointView(row);
    },

    /** The event log, newest first: each event as an endpoint receives it (names opened, `[erased]` after an erasure). */
    async events(filter: EventFilter, limit: number, cursor?: string) {
      const page = await eventsPage(db, filter, limit, cursor);
      const items = await Promise.all(page.items.map(async (event) => JSON.parse(await openedBody(deps.keys, webhookEventBody(event, deps.render))) as unknown));
      return { items, nextCursor: page.nextCursor };
    },

    /** Queues the events for this endpoint again (the dispatcher sends them, same ids, signed at sending); returns how many. */
    async replay(id: string, selection: ReplaySelection): Promise<{ queued: number }> {
      const endpoint = await liveEndpoint(id);
      if (endpoint.status === 'disabled') {
        throw appError('VALIDATION_FAILED', 'The endpoint is disabled: enable it first (PATCH { "status": "enabled" }), then replay.', { errors: [{ path: 'id', message: 'endpoint disabled' }] });
      }
      return { queued: await queueReplay(db, endpoint, selection) };
    },

    async remove(id: string): Promise<void> {
      if (!(await deleteEndpoint(db, id))) throw appError('NOT_FOUND', 'No such webhook endpoint.');
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof buildWebhookEndpointService>;
