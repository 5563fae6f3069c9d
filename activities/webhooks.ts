import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { signedJsonHeaders } from '../adapters/signature';
import type { PiiCipher } from '../platform/crypto';
import type { ProcessKeys } from '../platform/data-keys';
import type { Db } from '../platform/db';
import { openedBody } from '../webhooks/payloads';
import { createWebhookSender, WebhookTargetRefused, type WebhookSender, type WebhookTargetPolicy } from '../webhooks/target';
import { endpointById, noteDeliveryAcknowledged, recordDelivery } from '../store/webhook-endpoints';
import type { Notifier } from '../adapters/types';
import { DEFAULT_WEBHOOK_HEALTH, noteFailedAttempt, type WebhookHealthSettings } from './webhook-health';
import type { WebhookDeliveryOutcome } from '../workflows/webhook-messages';

/**
 * Webhook delivery's side effects: one signed POST per attempt, and a record
 * of each event's fate at each endpoint (webhook_deliveries).
 */

/** API.md: a delivery that does not get a 2xx within 10 s is retried. */
export const WEBHOOK_DELIVERY_TIMEOUT_MS = 10_000;

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

export interface WebhookActivityDeps {
  db: Db;
  cipher: PiiCipher;
  keys: ProcessKeys;
  /** Which targets deliveries may connect to; without one, loopback is refused too (as in production). */
  webhookTargets?: WebhookTargetPolicy;
  /** Operators are emailed through it when a failing endpoint is disabled. */
  providers: { notifier: Notifier };
  /** Absent: WEBHOOK_DISABLE_AFTER's default, and no operator to email (it is logged). */
  webhookHealth?: WebhookHealthSettings;
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db, cipher } = deps;
  const send = createWebhookSender(deps.webhookTargets ?? { allowLoopback: false });
  const health = deps.webhookHealth ?? DEFAULT_WEBHOOK_HEALTH;
  const stopped = async (args: { endpointId: string; eventId: string }): Promise<WebhookDeliveryOutcome> => {
    await recordDelivery(db, args, { status: 'stopped', last_error: 'the endpoint is disabled' });
    return { outcome: 'endpoint_disabled' };
  };
  return {
    /** One attempt: a non-2xx answer, a network error or no answer in 10 s fails it, and Temporal retries it with backoff. */
    async deliverWebhook(args: { endpointId: string; eventId: string; body: string }): Promise<WebhookDeliveryOutcome> {
      const endpoint = await endpointById(db, args.endpointId);
      // Deleted endpoints keep their row: none at all means this worker reads another deployment's database.
      if (!endpoint) throw ApplicationFailure.nonRetryable(`no webhook endpoint ${args.endpointId} in this database`, 'WebhookEndpointMissing');
      if (endpoint.deleted_at) return { outcome: 'endpoint_deleted' };
      // Disabled (it kept failing): its pending deliveries stop; the operator replays once it is back on.
      if (endpoint.status === 'disabled') return stopped(args);
      const attempts = Context.current().info.attempt;
      const answer = await post(send, endpoint.url, await openedBody(deps.keys, args.body), cipher.decrypt(endpoint.secret_enc));
      // The URL's path and query may carry the client's own secret: the host alone is logged (it is in the message).
      if (answer.refused) log.warn('webhook target refused', { endpointId: args.endpointId, eventId: args.eventId, reason: answer.error });
      const delivered = answer.error === null;
      await recordDelivery(db, args, { status: delivered ? 'delivered' : 'retrying', attempts, last_status: answer.status, last_error: answer.error });
      if (delivered) await noteDeliveryAcknowledged(db, args.endpointId);
      else if (await noteFailedAttempt({ db, notifier: deps.providers.notifier, settings: health }, endpoint)) return stopped(args);
      if (!delivered) throw ApplicationFailure.retryable(`webhook ${args.eventId} to ${args.endpointId}: ${answer.error}`, 'WebhookNotAcknowledged');
      return { outcome: 'delivered', attempts, status: answer.status! };
    },

    /** The retry window passed without a 2xx: the event is given up at this endpoint. */
    async recordWebhookGaveUp(args: { endpointId: string; eventId: string; error: string }): Promise<void> {
      log.warn('webhook given up', { endpointId: args.endpointId, eventId: args.eventId });
      await recordDelivery(db, args, { status: 'failed', last_error: args.error.slice(0, 500) });
    },
  };
}
