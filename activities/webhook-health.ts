import { log } from '@temporalio/activity';
import type { Notifier } from '../adapters/types';
import { shouldDisableEndpoint } from '../domain/webhook-health';
import type { Db } from '../platform/db';
import { disableEndpoint, noteDeliveryFailed, type WebhookEndpointRow } from '../store/webhook-endpoints';

/**
 * API.md "Webhooks to clients": an endpoint that has failed every delivery for
 * WEBHOOK_DISABLE_AFTER is disabled (its deliveries stop) and the operators
 * are emailed, once per outage.
 */

export interface WebhookHealthSettings {
  disableAfterMs: number;
  /** OPERATOR_EMAILS: none configured, the disabling is logged only. */
  operatorEmails: string[];
}

export const DEFAULT_WEBHOOK_HEALTH: WebhookHealthSettings = { disableAfterMs: 3 * 24 * 3600_000, operatorEmails: [] };

/** The sandbox notifier files operators' notices under this "account". */
export const OPERATORS_ACCOUNT = 'operators';

/**
 * After a failed attempt: counts it, and disables the endpoint once it has
 * failed long enough. True: it is disabled now (its deliveries stop). The
 * operators are emailed before the endpoint changes, once per outage (the
 * email's key is the outage's start), so a crash in between emails nobody twice
 * and loses no email.
 */
export async function noteFailedAttempt(
  deps: { db: Db; notifier: Notifier; settings: WebhookHealthSettings },
  endpoint: Pick<WebhookEndpointRow, 'id' | 'url'>,
): Promise<boolean> {
  const state = await noteDeliveryFailed(deps.db, endpoint.id);
  if (!state || !shouldDisableEndpoint({ status: state.status, failingSince: state.failing_since && new Date(state.failing_since) }, Date.now(), deps.settings.disableAfterMs)) return false;
  const since = new Date(state.failing_since!).toISOString();
  const host = new URL(endpoint.url).host;
  for (const recipient of deps.settings.operatorEmails) {
    await deps.notifier.send({
      accountId: OPERATORS_ACCOUNT,
      channel: 'email',
      recipient,
      title: `Webhook endpoint ${endpoint.id} disabled`,
      body: `Every delivery to ${endpoint.id} (${host}) has failed since ${since}; it is disabled and receives nothing until PATCH /v1/webhook-endpoints/${endpoint.id} { "status": "enabled" }. Then replay what it missed: POST /v1/webhook-endpoints/${endpoint.id}/replay { "since": "${since}" }.`,
      dedupeKey: `webhook-endpoint-disabled/${endpoint.id}/${since}`,
    });
  }
  const disabled = await disableEndpoint(deps.db, endpoint.id);
  if (disabled) log.error('webhook endpoint disabled: every delivery failed', { endpointId: endpoint.id, failingSince: since });
  return true;
}
