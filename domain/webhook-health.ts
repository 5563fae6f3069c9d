/**
 * API.md "Webhooks to clients": an endpoint that has failed every delivery for
 * WEBHOOK_DISABLE_AFTER (3 days by default) is disabled and the operators are
 * emailed; a PATCH turns it back on. An acknowledged attempt clears the count.
 */

export type WebhookEndpointStatus = 'enabled' | 'disabled';
export const WEBHOOK_ENDPOINT_STATUSES: readonly WebhookEndpointStatus[] = ['enabled', 'disabled'];

/**
 * After a failed attempt: whether the endpoint is to be disabled now.
 * `failingSince` is when the failures began (the first failed attempt since the
 * last acknowledged one, or since it was enabled).
 */
export function shouldDisableEndpoint(endpoint: { status: WebhookEndpointStatus; failingSince: Date | null }, nowMs: number, disableAfterMs: number): boolean {
  if (endpoint.status !== 'enabled' || endpoint.failingSince === null) return false;
  return nowMs - endpoint.failingSince.getTime() >= disableAfterMs;
}
