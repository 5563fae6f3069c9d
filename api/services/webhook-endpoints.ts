import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { WebhookEndpointRow } from '../../activities/webhooks';
import { appError } from '../../domain/errors';
import type { PiiCipher } from '../../platform/crypto';
import { idFromSeed } from '../../platform/ids';
import { newestFirst } from '../read-model';

/**
 * Clients' webhook endpoints (API.md "Webhooks to clients"). The signing
 * secret is shown once, in the answer that creates the endpoint, and kept
 * sealed with the PII cipher; deleting an endpoint stops its deliveries.
 */

const iso = (d: Date) => new Date(d).toISOString();

const endpointView = (row: WebhookEndpointRow) => ({ id: row.id, url: row.url, description: row.description, createdAt: iso(row.created_at) });

export function buildWebhookEndpointService(deps: { db: Knex; cipher: PiiCipher }) {
  const { db, cipher } = deps;
  const endpoints = () => db<WebhookEndpointRow>('webhook_endpoints');

  return {
    /** The id derives from the request's seed: a retry with its Idempotency-Key answers the same endpoint, without its secret. */
    async create(body: { url: string; description?: string | undefined }, seed: string) {
      const id = idFromSeed('whe', seed);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const [created] = await endpoints()
        .insert({ id, url: body.url, description: body.description ?? null, secret_enc: cipher.encrypt(secret) })
        .onConflict('id')
        .ignore()
        .returning('*');
      if (created) return { ...endpointView(created), secret };
      return endpointView((await endpoints().where({ id }).first())!);
    },

    async list(limit: number, cursor?: string) {
      const page = await newestFirst<WebhookEndpointRow>(endpoints().whereNull('deleted_at'), limit, cursor);
      return { items: page.items.map(endpointView), nextCursor: page.nextCursor };
    },

    async remove(id: string): Promise<void> {
      const deleted = await endpoints().where({ id }).whereNull('deleted_at').update({ deleted_at: db.fn.now() });
      if (deleted === 0) throw appError('NOT_FOUND', 'No such webhook endpoint.');
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof buildWebhookEndpointService>;
