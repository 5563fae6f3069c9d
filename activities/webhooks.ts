import type { Knex } from 'knex';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { signedJsonHeaders } from '../adapters/signature';
import type { PiiCipher } from '../platform/crypto';
import type { WebhookDeliveryOutcome } from '../workflows/webhook-messages';

/**
 * Webhook delivery's side effects: one signed POST per attempt, and a record
 * of each event's fate at each endpoint (webhook_deliveries).
 */

/** API.md: a delivery that does not get a 2xx within 10 s is retried. */
export const WEBHOOK_DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string | null;
  secret_enc: string;
  created_at: Date;
  deleted_at: Date | null;
}

interface Answer {
  status: number | null;
  error: string | null;
}

/** POSTs the body, signed now; a redirect is not followed (it is not an acknowledgement). */
async function post(url: string, body: string, secret: string, fetchImpl: typeof fetch): Promise<Answer> {
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { ...signedJsonHeaders(secret, body), 'user-agent': 'realname-verification-webhooks/1' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_DELIVERY_TIMEOUT_MS),
    });
    // The answer's body is of no use: drop it rather than read a large one.
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { status: response.status, error: ok ? null : `answered ${response.status}` };
  } catch (err) {
    return { status: null, error: (err as Error).message };
  }
}

async function recordAttempt(db: Knex, key: { endpointId: string; eventId: string }, fields: { status: string; attempts?: number; last_status?: number | null; last_error: string | null }) {
  await db('webhook_deliveries')
    .insert({ endpoint_id: key.endpointId, event_id: key.eventId, ...fields })
    .onConflict(['endpoint_id', 'event_id'])
    .merge({ ...fields, updated_at: db.fn.now() });
}

export function createWebhookActivities(deps: { db: Knex; cipher: PiiCipher; fetch?: typeof fetch }) {
  const { db, cipher } = deps;
  return {
    /** One attempt: a non-2xx answer, a network error or no answer in 10 s fails it, and Temporal retries it with backoff. */
    async deliverWebhook(args: { endpointId: string; eventId: string; body: string }): Promise<WebhookDeliveryOutcome> {
      const endpoint = await db<WebhookEndpointRow>('webhook_endpoints').where({ id: args.endpointId }).first();
      // Deleted endpoints keep their row: none at all means this worker reads another deployment's database.
      if (!endpoint) throw ApplicationFailure.nonRetryable(`no webhook endpoint ${args.endpointId} in this database`, 'WebhookEndpointMissing');
      if (endpoint.deleted_at) return { outcome: 'endpoint_deleted' };
      const attempts = Context.current().info.attempt;
      const answer = await post(endpoint.url, args.body, cipher.decrypt(endpoint.secret_enc), deps.fetch ?? fetch);
      const delivered = answer.error === null;
      await recordAttempt(db, args, { status: delivered ? 'delivered' : 'retrying', attempts, last_status: answer.status, last_error: answer.error });
      if (!delivered) throw ApplicationFailure.retryable(`webhook ${args.eventId} to ${args.endpointId}: ${answer.error}`, 'WebhookNotAcknowledged');
      return { outcome: 'delivered', attempts, status: answer.status! };
    },

    /** The retry window passed without a 2xx: the event is given up at this endpoint. */
    async recordWebhookGaveUp(args: { endpointId: string; eventId: string; error: string }): Promise<void> {
      log.warn('webhook given up', { endpointId: args.endpointId, eventId: args.eventId });
      await recordAttempt(db, args, { status: 'failed', last_error: args.error.slice(0, 500) });
    },
  };
}
