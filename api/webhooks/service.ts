import { randomBytes } from 'node:crypto';
import { appError } from '../../domain/errors';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { idFromSeed } from '../../platform/ids';
import { deleteEndpoint, endpointById, insertEndpoint, liveEndpointsPage, type WebhookEndpointRow } from '../../store/webhook-endpoints';
import { timestamp } from '../../views/time';

/**
 * Clients' webhook endpoints (API.md "Webhooks to clients"). The signing
 * secret is shown once, in the answer that creates the endpoint, and kept
 * sealed with the PII cipher; deleting an endpoint stops its deliveries.
 */

const endpointView = (row: WebhookEndpointRow) => ({ id: row.id, url: row.url, description: row.description, createdAt: timestamp(row.created_at)! });

export function buildWebhookEndpointService(deps: { db: Db; cipher: PiiCipher }) {
  const { db, cipher } = deps;

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

    async remove(id: string): Promise<void> {
      if (!(await deleteEndpoint(db, id))) throw appError('NOT_FOUND', 'No such webhook endpoint.');
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof buildWebhookEndpointService>;
