import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { SIGNATURE_HEADER, verifySignature } from '../../adapters/signature';
import { appError } from '../../domain/errors';
import { PROVIDERS_WITH_CALLBACKS, type CallbackProvider } from '../../platform/config';
import type { Metrics } from '../../platform/metrics';

export interface SignedCallbackDeps {
  secrets: Record<CallbackProvider, string>;
  metrics: Metrics;
  /** Counts a request that is not a signed callback per client address; beyond the limit it is refused 429 instead. */
  junkLimit: RequestHandler;
}

/**
 * What runs before a provider callback's handler: the raw body is read and
 * its signature checked before any rate limit, so a provider's signed
 * callback is never answered 429 because of unsigned junk from the same
 * address (a load balancer's, a NAT's). What fails the check (no such
 * provider, an unreadable body, a missing, wrong or stale signature) counts
 * toward the per-address junk limit. Signed callbacks are not limited: only
 * the provider holds the secret, it retries a 429 later (delaying money and
 * verifications), and any limit they shared would let one replayed signed
 * request, within its 5 minutes, crowd out the provider's real ones; a replay
 * costs a lookup of its event id.
 */
export function signedCallbacksOnly(deps: SignedCallbackDeps): [RequestHandler, ErrorRequestHandler, RequestHandler] {
  /** Answers `refusal`, or 429 RATE_LIMITED once this address has sent too much junk. */
  const refuseAsJunk = (req: Request, res: Response, next: (err: unknown) => void, refusal: unknown) =>
    deps.junkLimit(req, res, (limited?: unknown) => next(limited ?? refusal));
  return [
    express.raw({ type: () => true, limit: '256kb' }),
    (err, req, res, next) => refuseAsJunk(req, res, next, err),
    (req, res, next) => {
      const provider = req.params.provider as CallbackProvider;
      if (!PROVIDERS_WITH_CALLBACKS.includes(provider)) return refuseAsJunk(req, res, next, appError('NOT_FOUND', 'No such provider.'));
      const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifySignature(deps.secrets[provider], req.get(SIGNATURE_HEADER), raw, Math.floor(Date.now() / 1000));
      if (check.ok) return next();
      deps.metrics.callbacks.inc({ provider, outcome: `rejected_${check.reason}` });
      refuseAsJunk(req, res, next, appError('UNAUTHENTICATED', `The callback signature is ${check.reason}.`));
    },
  ];
}
