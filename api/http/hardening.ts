import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { appError } from '../../domain/errors';

/**
 * Response headers every answer carries: no MIME sniffing, no framing, no
 * referrer leaks, and a Content Security Policy that lets pages load only
 * what this service serves (the API docs are self-hosted).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // An API: cross-origin readers are decided by CORS, not by this header.
    crossOriginResourcePolicy: false,
    strictTransportSecurity: false,
  });
}

/**
 * Per client address (req.ip: see TRUST_PROXY) on what comes without a bearer
 * token (the sandbox, callbacks that fail their signature): beyond `max`
 * requests in `windowMs` the answer is 429 RATE_LIMITED with Retry-After.
 * Counts are kept per API process.
 */
export function unauthenticatedRateLimit(options: { max: number; windowMs: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetAt = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(1, Math.ceil(((resetAt?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      next(appError('RATE_LIMITED', `More than ${options.max} requests from this address in ${Math.round(options.windowMs / 1000)} s; retry after ${retryAfterSeconds} s.`, { retryAfterSeconds }));
    },
  });
}
