import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/common';
import { bankAccountHash } from '../../domain/keyed-hashes';
import { SIGNATURE_HEADER } from '../../adapters/signature';
import { parseYuan } from '../../domain/money';
import { PROVIDERS_WITH_CALLBACKS, type CallbackProvider } from '../../platform/config';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import type { RefundStarter } from '../../platform/refunds';
import type { Logger } from '../../platform/logger';
import type { Metrics } from '../../platform/metrics';
import { receiveTransfer, refundHeld, RefundReason } from '../../store/ledger';
import { recordDecision, recordedEvent, recordedReference, recordOutcome } from '../../store/provider-events';
import { providerEventSignal, refundWorkflowId, WORKFLOW_REFERENCE_PATTERN, type ProviderEvent } from '../../workflows/messages';
import { fieldErrors, validationError } from '../http/problem';
import { responsesOf } from '../http/responses';
import { signedCallbacksOnly } from './signature';
import { translateTemporalError } from '../http/temporal-errors';

const Reference = z.string().regex(WORKFLOW_REFERENCE_PATTERN, 'reference must be a workflow id this service handed out');
const Ticket = z.string().min(1).max(100);
const Base = { eventId: z.string().min(1).max(100), occurredAt: z.iso.datetime() };

const RealNameRecordSchema = z.object({
  realName: z.string().max(100),
  idNumber: z.string().max(40),
  idType: z.string().max(40),
  birthDate: z.string().max(10).nullable(),
  bankCardLinked: z.boolean(),
});

const AuthorizationScanned = z.object({ ...Base, reference: Reference, type: z.literal('authorization.scanned'), ticket: Ticket, record: RealNameRecordSchema });

/** The events each provider sends. A type not listed is refused (422) so a provider bug is visible, not swallowed. */
const EVENT_SCHEMAS = {
  wechat: z.discriminatedUnion('type', [
    AuthorizationScanned,
    z.object({ ...Base, reference: Reference, type: z.literal('official_account.authorized'), ticket: Ticket, certified: z.boolean(), enterpriseName: z.string().max(200) }),
  ]),
  qq: z.discriminatedUnion('type', [
    // Set when the user has no linked card and was sent to the bank-card page.
    AuthorizationScanned.extend({ bankCardTicket: Ticket.nullable().optional() }),
    z.object({ ...Base, reference: Reference, type: z.literal('bank_card.linked'), ticket: Ticket }),
  ]),
  face: z.discriminatedUnion('type', [z.object({ ...Base, reference: Reference, type: z.literal('face.completed'), ticket: Ticket, passed: z.boolean() })]),
  bank: z.discriminatedUnion('type', [
    z.object({
      ...Base,
      type: z.literal('transfer.received'),
      transferId: z.string().min(1).max(100),
      fromAccountNumber: z.string().min(1).max(40),
      fromAccountName: z.string().max(200),
      toAccountNumber: z.string().min(1).max(40),
      amount: z.string().max(20).refine((v) => (parseYuan(v) ?? 0) > 0, 'a positive amount in yuan with at most two decimals'),
    }),
    z.object({ ...Base, reference: Reference, type: z.literal('payout.sent'), requestId: z.string().min(1).max(300) }),
    z.object({ ...Base, reference: Reference, type: z.literal('payout.settled'), requestId: z.string().min(1).max(300) }),
    z.object({ ...Base, reference: Reference, type: z.literal('payout.refused'), requestId: z.string().min(1).max(300), reason: z.string().max(500) }),
  ]),
} as const;

type ParsedEvent = z.infer<(typeof EVENT_SCHEMAS)[CallbackProvider]>;

/** The callback as the workflow signal carries it (routing fields and account numbers stay behind). */
function toSignal(provider: CallbackProvider, event: Exclude<ParsedEvent, { type: 'transfer.received' }>): ProviderEvent {
  const { eventId, occurredAt } = event;
  switch (event.type) {
    case 'authorization.scanned':
      return {
        eventId,
        occurredAt,
        ticket: event.ticket,
        provider: provider as 'wechat' | 'qq',
        type: event.type,
        record: event.record,
        ...('bankCardTicket' in event && event.bankCardTicket ? { bankCardTicket: event.bankCardTicket } : {}),
      };
    case 'official_account.authorized':
      return { eventId, occurredAt, ticket: event.ticket, provider: 'wechat', type: event.type, certified: event.certified, enterpriseName: event.enterpriseName };
    case 'bank_card.linked':
      return { eventId, occurredAt, ticket: event.ticket, provider: 'qq', type: event.type };
    case 'face.completed':
      return { eventId, occurredAt, ticket: event.ticket, provider: 'face', type: event.type, passed: event.passed };
    case 'payout.sent':
    case 'payout.settled':
      return { eventId, occurredAt, provider: 'bank', type: event.type, requestId: event.requestId };
    case 'payout.refused':
      return { eventId, occurredAt, provider: 'bank', type: event.type, requestId: event.requestId, reason: event.reason };
  }
}

export interface CallbackDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  cipher: PiiCipher;
  secrets: Record<CallbackProvider, string>;
  /** Money no open process holds goes back through its own refund workflow. */
  refunds: RefundStarter;
  /** Counts a request that is not a signed callback per client address; beyond the limit it is refused 429 instead. */
  junkLimit: RequestHandler;
  logger: Logger;
  metrics: Metrics;
}

/** A transfer as the recharge workflow's signal carries it: the amount, and whether it came from the account the enterprise confirmed. */
const transferSignal = (event: Extract<ParsedEvent, { type: 'transfer.received' }>, fromConfirmedAccount: boolean): ProviderEvent => ({
  eventId: event.eventId,
  provider: 'bank',
  type: 'transfer.received',
  occurredAt: event.occurredAt,
  transferId: event.transferId,
  amountFen: parseYuan(event.amount)!,
  fromAccountName: event.fromAccountName,
  fromConfirmedAccount,
});

/** A recorded event whose decision was not carried out yet (a crash or a failure in between). */
const PENDING = 'pending';

/**
 * POST /v1/callbacks/{provider}: the signature is checked over the raw bytes,
 * the event id deduplicated, its destination decided and recorded, then the
 * event delivered to its workflow as a signal. A failure answers 5xx and the
 * provider's retry carries out the recorded decision.
 */
export function callbackRoutes(app: Express, registry: OpenAPIRegistry, deps: CallbackDeps): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/callbacks/{provider}',
    summary: 'Provider callbacks (signed)',
    description:
      'Header `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`; missing, wrong or older than 5 minutes → 401. A repeated eventId is acknowledged and has no further effect. An incoming bank transfer is held by the open recharge whose own collection account it was sent to; any other money is refunded.',
    tags: ['callbacks'],
    // Authenticated by the provider's signature, not a bearer token.
    'x-roles': ['public'],
    request: {
      params: z.object({ provider: z.enum(PROVIDERS_WITH_CALLBACKS) }),
      headers: z.object({ [SIGNATURE_HEADER]: z.string() }),
    },
    responses: responsesOf(
      {
        200: { description: 'Acknowledged', schema: z.object({ received: z.boolean(), duplicate: z.boolean(), routedTo: z.string().nullable().optional() }) },
        400: { description: 'VALIDATION_FAILED: a Content-Encoding the service does not read' },
        401: { description: 'UNAUTHENTICATED: the signature is missing, wrong or older than 5 minutes' },
        404: { description: 'NOT_FOUND: no such provider' },
        413: { description: 'the body is over 256 kB' },
        422: { description: 'VALIDATION_FAILED: the body is not JSON, or not an event this provider sends' },
      },
      { auth: 'public' },
    ),
  });

  async function signal(workflowId: string, event: ProviderEvent): Promise<boolean> {
    try {
      await deps.client.workflow.getHandle(workflowId).signal(providerEventSignal, event);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw translateTemporalError(err);
    }
  }

  /**
   * An incoming transfer: recorded in the money ledger once, with its
   * destination (the open recharge whose own collection account it reached,
   * else back to its sender), then delivered there. Idempotent: a redelivery
   * finds the recorded decision.
   */
  async function routeTransfer(event: Extract<ParsedEvent, { type: 'transfer.received' }>): Promise<{ outcome: string; routedTo: string | null }> {
    const reception = await receiveTransfer(deps.db, {
      transferId: event.transferId,
      amountFen: parseYuan(event.amount)!,
      toAccount: event.toAccountNumber,
      fromAccountHash: bankAccountHash(deps.cipher, event.fromAccountNumber),
    });
    if (reception.kind === 'settled') return { outcome: 'settled', routedTo: null };
    if (reception.kind === 'held') {
      if (await signal(reception.workflowId, transferSignal(event, reception.fromConfirmedAccount))) return { outcome: 'signalled', routedTo: reception.workflowId };
      // Its process ended before it could act on it: the transfer goes back.
      await refundHeld(deps.db, { transferId: event.transferId, verificationId: reception.verificationId, reason: RefundReason.processEnded });
    }
    await deps.refunds.start([event.transferId], 'no open recharge holds this transfer');
    return { outcome: 'refunding', routedTo: refundWorkflowId(event.transferId) };
  }

  /** Carries out a recorded decision. Idempotent (workflows act on an event id once; one refund workflow per transfer), so a redelivery may repeat it. */
  async function carryOut(provider: CallbackProvider, event: ParsedEvent, target: string | null): Promise<{ outcome: string; routedTo: string | null }> {
    if (event.type === 'transfer.received') return routeTransfer(event);
    if (target === null) return { outcome: 'process_closed', routedTo: null };
    const delivered = await signal(target, toSignal(provider, event));
    // The process already ended: acknowledge, so the provider stops retrying.
    return { outcome: delivered ? 'signalled' : 'process_closed', routedTo: delivered ? target : null };
  }

  app.post('/v1/callbacks/:provider', signedCallbacksOnly(deps), async (req: Request, res: Response) => {
    // signedCallbacksOnly (api/callbacks/signature.ts) let it through: a provider's callback, signed over these bytes.
    const provider = req.params.provider as CallbackProvider;
    const raw = req.body as Buffer;

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw validationError([{ path: '', message: 'malformed JSON' }], 'The body is not valid JSON.');
    }
    const parsed = EVENT_SCHEMAS[provider].safeParse(json);
    if (!parsed.success) throw validationError(fieldErrors(parsed.error, 'body'));
    const event = parsed.data;

    // The decision is recorded before its effect: a redelivery (after a crash or a lost answer) carries out the
    // same decision again, never a new one (a transfer's is recorded in the money ledger).
    const key = { provider, eventId: event.eventId };
    const seen = await recordedEvent(deps.db, key);
    if (seen && seen.outcome !== PENDING) {
      deps.metrics.callbacks.inc({ provider, outcome: 'duplicate' });
      res.status(200).json({ received: true, duplicate: true, routedTo: seen.reference });
      return;
    }
    let target = seen ? seen.reference : event.type === 'transfer.received' ? null : event.reference;
    if (!seen) {
      // Delivered twice at once: follow the decision the other delivery recorded.
      if (!(await recordDecision(deps.db, { ...key, type: event.type, reference: target, outcome: PENDING }))) target = await recordedReference(deps.db, key);
    }
    const { outcome, routedTo } = await carryOut(provider, event, target);
    await recordOutcome(deps.db, key, { reference: routedTo, outcome });
    deps.metrics.callbacks.inc({ provider, outcome });
    (res.locals.log as Logger | undefined)?.info({ provider, eventId: event.eventId, type: event.type, routedTo, outcome }, 'provider callback');
    res.status(200).json({ received: true, duplicate: false, routedTo });
  });
}
