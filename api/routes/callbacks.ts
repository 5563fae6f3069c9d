import express, { type Express } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/common';
import { SIGNATURE_HEADER, verifySignature } from '../../adapters/signature';
import { appError } from '../../domain/errors';
import { PROVIDERS_WITH_CALLBACKS, type CallbackProvider } from '../../platform/config';
import type { Logger } from '../../platform/logger';
import type { Metrics } from '../../platform/metrics';
import { providerEventSignal, WORKFLOW_REFERENCE_PATTERN, type ProviderEvent } from '../../workflows/messages';
import { fieldErrors, validationError } from '../problem';
import { translateTemporalError } from '../services/temporal-errors';

const EventBase = {
  eventId: z.string().min(1).max(100),
  occurredAt: z.iso.datetime(),
  reference: z.string().regex(WORKFLOW_REFERENCE_PATTERN, 'reference must be a workflow id this service handed out'),
};

const RealNameRecordSchema = z.object({
  realName: z.string().max(100),
  idNumber: z.string().max(40),
  idType: z.string().max(40),
  birthDate: z.string().max(10).nullable(),
  bankCardLinked: z.boolean(),
});

const AuthorizationScanned = z.object({
  ...EventBase,
  type: z.literal('authorization.scanned'),
  ticket: z.string().min(1).max(100),
  record: RealNameRecordSchema,
});

const QqAuthorizationScanned = AuthorizationScanned.extend({
  /** Set when the user has no linked card and was sent to the bank-card page. */
  bankCardTicket: z.string().min(1).max(100).nullable().optional(),
});

const QqBankCardLinked = z.object({ ...EventBase, type: z.literal('bank_card.linked'), ticket: z.string().min(1).max(100) });

const FaceCompleted = z.object({ ...EventBase, type: z.literal('face.completed'), ticket: z.string().min(1).max(100), passed: z.boolean() });

/** The events each provider sends; a type not listed is refused (422) so a provider bug is visible, not swallowed. */
const EVENT_SCHEMAS = {
  wechat: z.discriminatedUnion('type', [AuthorizationScanned]),
  qq: z.discriminatedUnion('type', [QqAuthorizationScanned, QqBankCardLinked]),
  face: z.discriminatedUnion('type', [FaceCompleted]),
  bank: undefined,
} as const;

type ParsedEvent = z.infer<NonNullable<(typeof EVENT_SCHEMAS)[CallbackProvider]>>;

/** The callback's event as the workflow signal carries it (the routing reference stays behind). */
function toSignal(provider: CallbackProvider, event: ParsedEvent): ProviderEvent {
  const { eventId, ticket, occurredAt } = event;
  switch (event.type) {
    case 'authorization.scanned':
      return {
        eventId,
        ticket,
        occurredAt,
        provider: provider as 'wechat' | 'qq',
        type: event.type,
        record: event.record,
        ...('bankCardTicket' in event && event.bankCardTicket ? { bankCardTicket: event.bankCardTicket } : {}),
      };
    case 'bank_card.linked':
      return { eventId, ticket, occurredAt, provider: 'qq', type: event.type };
    case 'face.completed':
      return { eventId, ticket, occurredAt, provider: 'face', type: event.type, passed: event.passed };
  }
}

/**
 * POST /v1/callbacks/{provider}: the signature is checked over the raw bytes,
 * the event id deduplicated, and the event delivered to its workflow as a
 * signal. The event is recorded only after the signal was accepted, so a
 * failure answers 5xx and the provider's retry is not mistaken for a duplicate.
 */
export function callbackRoutes(
  app: Express,
  registry: OpenAPIRegistry,
  deps: { db: Knex; client: Client; secrets: Record<CallbackProvider, string>; logger: Logger; metrics: Metrics },
): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/callbacks/{provider}',
    summary: 'Provider callbacks (signed)',
    description:
      'Header `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`; missing, wrong or older than 5 minutes → 401. A repeated eventId is acknowledged and has no further effect.',
    tags: ['callbacks'],
    request: {
      params: z.object({ provider: z.enum(PROVIDERS_WITH_CALLBACKS) }),
      headers: z.object({ [SIGNATURE_HEADER]: z.string() }),
    },
    responses: {
      200: { description: 'Acknowledged', content: { 'application/json': { schema: z.object({ received: z.boolean(), duplicate: z.boolean() }) } } },
    },
  });

  app.post('/v1/callbacks/:provider', express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
    const provider = req.params.provider as CallbackProvider;
    if (!PROVIDERS_WITH_CALLBACKS.includes(provider)) throw appError('NOT_FOUND', 'No such provider.');
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifySignature(deps.secrets[provider], req.get(SIGNATURE_HEADER), raw, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      deps.metrics.callbacks.inc({ provider, outcome: `rejected_${check.reason}` });
      throw appError('UNAUTHENTICATED', `The callback signature is ${check.reason}.`);
    }

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw validationError([{ path: '', message: 'malformed JSON' }], 'The body is not valid JSON.');
    }
    const schema = EVENT_SCHEMAS[provider];
    if (!schema) throw validationError([{ path: 'type', message: `no events are expected from ${provider}` }]);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw validationError(fieldErrors(parsed.error, 'body'));
    const event = parsed.data;

    const seen = await deps.db<{ provider: string; event_id: string }>('provider_events').where({ provider, event_id: event.eventId }).first('event_id');
    if (seen) {
      deps.metrics.callbacks.inc({ provider, outcome: 'duplicate' });
      res.status(200).json({ received: true, duplicate: true });
      return;
    }

    let outcome = 'signalled';
    try {
      await deps.client.workflow.getHandle(event.reference).signal(providerEventSignal, toSignal(provider, event));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw translateTemporalError(err);
      // The process already ended: acknowledge, so the provider stops retrying.
      outcome = 'process_closed';
    }
    await deps.db('provider_events')
      .insert({ provider, event_id: event.eventId, type: event.type, reference: event.reference, outcome })
      .onConflict(['provider', 'event_id'])
      .ignore();
    deps.metrics.callbacks.inc({ provider, outcome });
    (res.locals.log as Logger | undefined)?.info({ provider, eventId: event.eventId, type: event.type, reference: event.reference, outcome }, 'provider callback');
    res.status(200).json({ received: true, duplicate: false });
  });
}
