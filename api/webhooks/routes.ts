import { z } from 'zod';
import { SIGNATURE_HEADER } from '../../adapters/signature';
import { webhookUrlRefusal, type WebhookTargetPolicy } from '../../webhooks/target';
import { validationError } from '../http/problem';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { EVENT_OBJECTS, eventSchema, type EventType } from '../../contracts/events';
import { emptyAsAbsent, ListQuery, page } from '../http/schemas';
import { WEBHOOK_EVENT_TYPES } from '../../store/webhook-events';
import { WEBHOOK_ENDPOINT_STATUSES } from '../../domain/webhook-health';
import type { WebhookEndpointService } from './service';
import { text } from '../http/text';

/**
 * Webhooks to clients (API.md): endpoints are managed by the service (or an
 * admin); every status or step change of a verification or change, and every
 * review decision, is POSTed to each of them, signed with its secret.
 */

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
/**
 * A DNS label of 1-63 letters, digits and inner hyphens, never with hyphens in
 * both its 3rd and 4th places: those are reserved (IDNA), and an `xn--` label
 * that is not valid punycode does not parse as a URL host. (Internationalised
 * host names are therefore not accepted in their `xn--` form.)
 */
const labelStartingWith = (first: string) =>
  `${first}([A-Za-z0-9-]{0,2}[A-Za-z0-9]|[A-Za-z0-9-]([A-Za-z0-9][A-Za-z0-9-]|-[A-Za-z0-9])[A-Za-z0-9-]{0,58}[A-Za-z0-9])?`;
const LABEL = labelStartingWith('[A-Za-z0-9]');
/** A dotted IPv4 address, or a host name whose last label starts with a letter (so it is never read as a number). */
const HOST = `((${OCTET}\\.){3}${OCTET}|(${LABEL}\\.)*${labelStartingWith('[A-Za-z]')})`;
const PORT = '(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?';

/**
 * The endpoint URL: http or https (https only in production), a host and
 * port, no credentials (no `user:pass@`), then any path and query. The whole
 * rule is the pattern, so the document says exactly what is accepted.
 */
export const endpointUrlPattern = (httpsOnly: boolean) => new RegExp(`^${httpsOnly ? 'https' : 'https?'}://${HOST}${PORT}([/?#][\\x21-\\x7e]*)?$`);

export function endpointUrl(httpsOnly: boolean) {
  return z
    .string()
    .max(2048)
    .regex(endpointUrlPattern(httpsOnly), httpsOnly ? 'an https URL without credentials' : 'an http(s) URL without credentials')
    .meta({ example: 'https://console.example.com/hooks/realname' });
}

const WebhookEndpoint = z
  .object({
    id: z.string().meta({ example: 'whe_4Q9…' }),
    url: z.string(),
    description: z.string().nullable(),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES).meta({ description: 'disabled: it failed every delivery for 3 days (WEBHOOK_DISABLE_AFTER) and receives nothing until enabled' }),
    disabledAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookEndpoint' });

const WebhookEndpointCreated = WebhookEndpoint.extend({
  secret: z.string().optional().meta({ description: 'The signing secret, shown in this answer only (a retry with the same Idempotency-Key answers without it)' }),
}).meta({ id: 'WebhookEndpointCreated' });

const EndpointParams = z.object({ id: z.string().regex(/^whe_[A-Za-z0-9]{8,64}$/, 'a webhook endpoint id looks like whe_…') });

const SIGNATURE = `${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256(endpoint secret, t + "." + raw body)>`;

/** The events, declared in the document's `webhooks`: what an endpoint receives. */
function declareEvents(deps: RouteDeps): void {
  for (const [type, { summary }] of Object.entries(EVENT_OBJECTS) as [EventType, (typeof EVENT_OBJECTS)[EventType]][]) {
    deps.registry.registerWebhook({
      method: 'post',
      path: type,
      summary,
      description: `Sent to every endpoint, signed: ${SIGNATURE}. Retried with exponential backoff for 3 days until a 2xx within 10 s; a resource's events arrive in order; an event id may arrive twice, one change never has two ids.`,
      tags: ['webhooks'],
      request: {
        headers: z.object({ [SIGNATURE_HEADER]: z.string() }),
        body: {
          content: {
            'application/json': {
              schema: eventSchema(type),
            },
          },
        },
      },
      responses: { 200: { description: 'Any 2xx acknowledges the event' } },
    });
  }
}

/** An event as endpoints receive it (the `webhooks` of this document give each type's object). */
const LoggedEvent = z
  .object({
    id: z.string().meta({ example: 'evt_…' }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    createdAt: z.iso.datetime(),
    data: z.object({ object: z.record(z.string(), z.unknown()), deadline: z.string().optional() }),
  })
  .meta({ id: 'WebhookEventLogEntry' });

const EventsQuery = ListQuery.extend({
  type: emptyAsAbsent(z.enum(WEBHOOK_EVENT_TYPES)),
  since: emptyAsAbsent(z.iso.datetime({ offset: true }).meta({ description: 'Events that happened at or after this time' })),
});

const ReplayRequest = z
  .union([
    z.strictObject({ since: z.iso.datetime({ offset: true }).meta({ description: 'Every event since this time (kept 30 days)' }) }),
    z.strictObject({ eventIds: z.array(z.string().regex(/^evt_[A-Za-z0-9]{8,64}$/, 'an event id looks like evt_…')).min(1).max(1000) }),
  ])
  .meta({ id: 'WebhookReplayRequest' });

export interface WebhookEndpointOptions {
  httpsOnly: boolean;
  /** Which hosts an endpoint may name (SPEC §10): checked here, and again by the delivery when it connects. */
  targets: WebhookTargetPolicy;
}

export function webhookEndpointRoutes(deps: RouteDeps, endpoints: WebhookEndpointService, options: WebhookEndpointOptions): void {
  declareEvents(deps);

  defineRoute(deps, {
    method: 'post',
    path: '/v1/webhook-endpoints',
    audit: { action: 'webhook_endpoint.created', resource: (_request, answer) => ({ kind: 'webhook-endpoint', id: (answer as { id: string }).id }) },
    summary: 'Register a webhook endpoint',
    description: `Every status or step change of a verification or change, and every review decision, from now on is POSTed to the URL, signed (${SIGNATURE}). The secret is in this answer only.`,
    tags: ['webhooks'],
    auth: ['service', 'admin'],
    body: z.strictObject({ url: endpointUrl(options.httpsOnly), description: text(200).optional() }).meta({ id: 'WebhookEndpointRequest' }),
    // A retry never replays the secret: it answers the endpoint without it.
    idempotent: 'rerun',
    responses: {
      201: { description: 'The endpoint, with its signing secret', schema: WebhookEndpointCreated },
      422: {
        description: `VALIDATION_FAILED at url: its host is, or resolves to, a private, link-local, carrier-grade-NAT, multicast, unspecified, reserved or cloud-metadata address${options.targets.allowLoopback ? '' : ' or loopback'}, is a cloud metadata host name, or does not resolve`,
      },
    },
    handler: async ({ body, seed }) => {
      if (!URL.canParse(body.url)) throw validationError([{ path: 'url', message: 'not a URL' }]);
      const refusal = await webhookUrlRefusal(body.url, options.targets);
      if (refusal) throw validationError([{ path: 'url', message: `${refusal}; a webhook must go to a public address` }]);
      return { status: 201, body: await endpoints.create(body, seed) };
    },
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/webhook-endpoints',
    summary: 'The webhook endpoints, newest first (without their secrets)',
    tags: ['webhooks'],
    auth: ['service', 'admin'],
    query: ListQuery,
    responses: { 200: { description: 'A page of endpoints', schema: page(WebhookEndpoint, 'WebhookEndpointPage') } },
    handler: async ({ query }) => ({ status: 200, body: await endpoints.list(query.limit, query.cursor) }),
  });

  defineRoute(deps, {
    method: 'delete',
    path: '/v1/webhook-endpoints/{id}',
    audit: { action: 'webhook_endpoint.deleted', resource: ({ params }) => ({ kind: 'webhook-endpoint', id: params.id! }) },
    summary: 'Delete a webhook endpoint',
    description: 'It receives nothing more; deliveries still retrying to it stop.',
    tags: ['webhooks'],
    auth: ['service', 'admin'],
    params: EndpointParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ params }) => {
      await endpoints.remove(params.id);
      return { status: 204 };
    },
  });
  eventLogRoutes(deps, endpoints);
}

/** The event log and replay, and turning a disabled endpoint back on (API.md "Webhooks to clients"). */
function eventLogRoutes(deps: RouteDeps, endpoints: WebhookEndpointService): void {
  defineRoute(deps, {
    method: 'get',
    path: '/v1/events',
    summary: 'The webhook events of the last 30 days, newest first, as endpoints receive them',
    description: 'Personal data masked as for the service role; after an account erasure, its names read [erased]. To catch up after an outage: list since it began, or replay to the endpoint.',
    tags: ['webhooks'],
    auth: ['service', 'admin'],
    query: EventsQuery,
    responses: { 200: { description: 'A page of events', schema: page(LoggedEvent, 'WebhookEventLogPage') } },
    handler: async ({ query }) => ({ status: 200, body: await endpoints.events({ type: query.type, since: query.since ? new Date(query.since) : undefined }, query.limit, query.cursor) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/replay',
    audit: { action: 'webhook_endpoint.replayed', resource: ({ params }) => ({ kind: 'webhook-endpoint', id: params.id! }) },
    summary: 'Deliver stored events to this endpoint again',
    description: `The events since a time, or those named (that happened after the endpoint was registered), are delivered again with the same ids, signed when sent (${SIGNATURE}); a resource's events in order.`,
    tags: ['webhooks'],
    auth: ['service', 'admin'],
    params: EndpointParams,
    body: ReplayRequest,
    responses: {
      202: { description: 'How many events were queued', schema: z.object({ queued: z.number().int() }).meta({ id: 'WebhookReplayQueued' }) },
      422: { description: 'VALIDATION_FAILED: the endpoint is disabled (enable it first)' },
    },
    handler: async ({ params, body }) => ({
      status: 202,
      body: await endpoints.replay(params.id, 'since' in body ? { since: new Date(body.since) } : { eventIds: body.eventIds }),
    }),
  });

  defineRoute(deps, {
    method: 'patch',
    path: '/v1/webhook-endpoints/{id}',
    audit: { action: 'webhook_endpoint.enabled', resource: ({ params }) => ({ kind: 'webhook-endpoint', id: params.id! }) },
    summary: 'Turn a disabled webhook endpoint back on',
    description: 'It receives new events again; replay what it missed while disabled.',
    tags: ['webhooks'],
    auth: ['service', 'admin'],
    params: EndpointParams,
    body: z.strictObject({ status: z.literal('enabled') }).meta({ id: 'WebhookEndpointUpdate' }),
    responses: { 200: { description: 'The endpoint', schema: WebhookEndpoint } },
    handler: async ({ params }) => ({ status: 200, body: await endpoints.enable(params.id) }),
  });
}
