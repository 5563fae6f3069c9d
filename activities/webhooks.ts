import type { Knex } from 'knex';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { signedJsonHeaders } from '../adapters/signature';
import type { PiiCipher } from '../platform/crypto';
import { createWebhookSender, WebhookTargetRefused, type WebhookSender, type WebhookTargetPolicy } from '../platform/webhook-target';
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
  /** The target is (now) an inside address: a failed attempt like any other, so a fixed DNS record heals it. */
  refused?: boolean;
}

/** POSTs the body, signed now, to an endpoint the policy still lets it reach. */
async function post(send: WebhookSender, url: string, body: string, secret: string): Promise<Answer> {
  try {
    const headers = { ...signedJsonHeaders(secret, body), 'user-agent': 'realname-verification-webhooks/1' };
    const status = await send(url, { headers, body, timeoutMs: WEBHOOK_DELIVERY_TIMEOUT_MS });
    const ok = status >= 200 && status < 300;
    return { status, error: ok ? null : `answered ${status}` };
  } catch (err) {
    return { status: null, error: (err as Error).message, refused: err instanceof WebhookTargetRefused };
  }
}

async function recordAttempt(db: Knex, key: { endpointId: string; eventId: string }, fields: { status: string; attempts?: number; last_status?: number | null; last_error: string | null }) {
  await db('webhook_deliveries')
    .insert({ endpoint_id: key.endpointId, event_id: key.eventId, ...fields })
    .onConflict(['endpoint_id', 'event_id'])
    .merge({ ...fields, updated_at: db.fn.now() });
}

export interface WebhookActivityDeps {
  db: Knex;
  cipher: PiiCipher;
  /** Which targets deliveries may connect to; without one, loopback is refused too (as in production). */
  webhookTargets?: WebhookTargetPolicy;
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db, cipher } = deps;
  const send = createWebhookSender(deps.webhookTargets ?? { allowLoopback: false });
  return {
    /** One attempt: a non-2xx answer, a network error or no answer in 10 s fails it, and Temporal retries it with backoff. */
    async deliverWebhook(args: { endpointId: string; eventId: string; body: string }): Promise<WebhookDeliveryOutcome> {
      const endpoint = await db<WebhookEndpointRow>('webhook_endpoints').where({ id: args.endpointId }).first();
      // Deleted endpoints keep their row: none at all means this worker reads another deployment's database.
      if (!endpoint) throw ApplicationFailure.nonRetryable(`no webhook endpoint ${args.endpointId} in this database`, 'WebhookEndpointMissing');
      if (endpoint.deleted_at) return { outcome: 'endpoint_deleted' };
      const attempts = Context.current().info.attempt;
      const answer = await post(send, endpoint.url, args.body, cipher.decrypt(endpoint.secret_enc));
      // The URL's path and query may carry the client's own secret: the host alone is logged (it is in the message).
      if (answer.refused) log.warn('webhook target refused', { endpointId: args.endpointId, eventId: args.eventId, reason: answer.error });
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
