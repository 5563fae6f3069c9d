import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { SIGNATURE_HEADER } from '../../adapters/signature';
import { bankAccountHash } from '../../domain/keyed-hashes';
import { parseYuan } from '../../domain/money';
import { PROVIDERS_WITH_CALLBACKS, type CallbackProvider } from '../../platform/config';
import type { PiiCipher } from '../../platform/crypto';
import type { RefundStarter } from '../../platform/refunds';
import type { Metrics } from '../../platform/metrics';
import { receiveTransfer, refundHeld, RefundReason } from '../../store/ledger';
import { PENDING_OUTCOME, recordDecision, recordedEvent, recordedReference, recordOutcome } from '../../store/provider-events';
import { providerEventSignal, refundWorkflowId, type ProviderEvent } from '../../workflows/messages';
import { validationError, fieldErrors } from '../http/problem';
import { defineRoute, type BodyReader, type RouteDeps } from '../http/route';
import { translateTemporalError } from '../http/temporal-errors';
import { EVENT_SCHEMAS, toSignal, transferSignal, type ParsedEvent } from './events';
import { signedCallbacksOnly } from './signature';

export interface CallbackDeps {
  client: Client;
  taskQueue: string;
  cipher: PiiCipher;
  secrets: Record<CallbackProvider, string>;
  /** Money no open process holds goes back through its own refund workflow. */
  refunds: RefundStarter;
  /** Counts a request that is not a signed callback per client address; beyond the limit it is refused 429 instead. */
  junkLimit: RequestHandler;
  metrics: Metrics;
  /** Seals a provider's personal record under the process it goes to (./seal-record.ts). */
  sealFor: (workflowId: string, event: ProviderEvent) => Promise<ProviderEvent>;
}

/** The raw bytes signedCallbacksOnly (./signature.ts) checked, read as JSON; which event it is depends on the provider, so the handler validates it. */
const signedJson: BodyReader<unknown> = {
  async read(req: Request) {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      throw validationError([{ path: '', message: 'malformed JSON' }], 'The body is not valid JSON.');
    }
  },
};

/**
 * POST /v1/callbacks/{provider}: the signature is checked over the raw bytes,
 * the event id deduplicated, its destination decided and recorded, then the
 * event delivered to its workflow as a signal. A failure answers 5xx and the
 * provider's retry carries out the recorded decision.
 */
export function callbackRoutes(routes: RouteDeps, deps: CallbackDeps): void {
  const { db } = routes;
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
    const reception = await receiveTransfer(db, {
      transferId: event.transferId,
      amountFen: parseYuan(event.amount)!,
      toAccount: event.toAccountNumber,
      fromAccountHash: bankAccountHash(deps.cipher, event.fromAccountNumber),
    });
    if (reception.kind === 'settled') return { outcome: 'settled', routedTo: null };
    if (reception.kind === 'held') {
      if (await signal(reception.workflowId, transferSignal(event, reception.fromConfirmedAccount))) return { outcome: 'signalled', routedTo: reception.workflowId };
      // Its process ended before it could act on it: the transfer goes back.
      await refundHeld(db, { transferId: event.transferId, verificationId: reception.verificationId, reason: RefundReason.processEnded });
    }
    await deps.refunds.start([event.transferId], 'no open recharge holds this transfer');
    return { outcome: 'refunding', routedTo: refundWorkflowId(event.transferId) };
  }

  /** Carries out a recorded decision. Idempotent (workflows act on an event id once; one refund workflow per transfer), so a redelivery may repeat it. */
  async function carryOut(provider: CallbackProvider, event: ParsedEvent, target: string | null): Promise<{ outcome: string; routedTo: string | null }> {
    if (event.type === 'transfer.received') return routeTransfer(event);
    if (target === null) return { outcome: 'process_closed', routedTo: null };
    const delivered = await signal(target, await deps.sealFor(target, toSignal(provider, event)));
    // The process already ended: acknowledge, so the provider stops retrying.
    return { outcome: delivered ? 'signalled' : 'process_closed', routedTo: delivered ? target : null };
  }

  defineRoute(routes, {
    method: 'post',
    path: '/v1/callbacks/{provider}',
    summary: 'Provider callbacks (signed)',
    description:
      'Header `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`; missing, wrong or older than 5 minutes → 401. A repeated eventId is acknowledged and has no further effect. An incoming bank transfer is held by the open recharge whose own collection account it was sent to; any other money is refunded.',
    tags: ['callbacks'],
    // Authenticated by the provider's signature over the raw bytes, before anything else (and before any rate limit).
    auth: 'public',
    before: signedCallbacksOnly(deps),
    params: z.object({ provider: z.enum(PROVIDERS_WITH_CALLBACKS) }),
    headers: z.object({ [SIGNATURE_HEADER]: z.string() }),
    body: signedJson,
    responses: {
      200: { description: 'Acknowledged', schema: z.object({ received: z.boolean(), duplicate: z.boolean(), routedTo: z.string().nullable().optional() }) },
      400: { description: 'VALIDATION_FAILED: a Content-Encoding the service does not read' },
      401: { description: 'UNAUTHENTICATED: the signature is missing, wrong or older than 5 minutes' },
      404: { description: 'NOT_FOUND: no such provider' },
      413: { description: 'the body is over 256 kB' },
      422: { description: 'VALIDATION_FAILED: the body is not JSON, or not an event this provider sends' },
    },
    handler: async ({ params, body, log }) => {
      const { provider } = params;
      const parsed = EVENT_SCHEMAS[provider].safeParse(body);
      if (!parsed.success) throw validationError(fieldErrors(parsed.error, 'body'));
      const event = parsed.data;

      // The decision is recorded before its effect: a redelivery (after a crash or a lost answer) carries out the
      // same decision again, never a new one (a transfer's is recorded in the money ledger).
      const key = { provider, eventId: event.eventId };
      const seen = await recordedEvent(db, key);
      if (seen && seen.outcome !== PENDING_OUTCOME) {
        deps.metrics.callbacks.inc({ provider, outcome: 'duplicate' });
        return { status: 200, body: { received: true, duplicate: true, routedTo: seen.reference } };
      }
      let target = seen ? seen.reference : event.type === 'transfer.received' ? null : event.reference;
      if (!seen) {
        // Delivered twice at once: follow the decision the other delivery recorded.
        if (!(await recordDecision(db, { ...key, type: event.type, reference: target, outcome: PENDING_OUTCOME }))) target = await recordedReference(db, key);
      }
      const { outcome, routedTo } = await carryOut(provider, event, target);
      await recordOutcome(db, key, { reference: routedTo, outcome });
      deps.metrics.callbacks.inc({ provider, outcome });
      log.info({ provider, eventId: event.eventId, type: event.type, routedTo, outcome }, 'provider callback');
      return { status: 200, body: { received: true, duplicate: false, routedTo } };
    },
  });
}
