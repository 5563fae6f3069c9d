import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { ProviderUnavailableError } from '../../adapters/types';
import { AppError } from '../../domain/errors';
import type { Logger } from '../../platform/logger';
import { unavailableDependency } from './unavailable';

/**
 * RFC 9457 problem documents. Every refusal leaves through here: the one place
 * where a stable code becomes an HTTP status.
 */

const STATUS: Record<string, number> = {
  VALIDATION_FAILED: 422,
  ID_NUMBER_INVALID: 422,
  CREDIT_CODE_INVALID: 422,
  UNDERAGE: 422,
  INTERNATIONAL_SITE_REQUIRED: 422,
  METHOD_NOT_ELIGIBLE: 422,
  PAYER_ACCOUNT_NAME_MISMATCH: 422,
  IDENTITY_QUOTA_EXCEEDED: 409,
  PROCESS_ALREADY_OPEN: 409,
  MONEY_UNSETTLED: 409,
  ACCOUNT_CLOSED: 409,
  ALREADY_VERIFIED: 409,
  NOT_VERIFIED: 409,
  CHANGE_COOLDOWN: 409,
  CHANGE_NOT_ALLOWED: 409,
  REVIEW_NOT_OPEN: 409,
  REVIEW_CLAIMED: 409,
  SECOND_REVIEWER_REQUIRED: 409,
  PROCESS_NOT_OPEN: 409,
  QR_REFRESH_LIMIT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  METHOD_NOT_ALLOWED: 405,
  RATE_LIMITED: 429,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_TYPE_NOT_ALLOWED: 415,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TICKET_ALREADY_USED: 409,
  TICKET_EXPIRED: 410,
  TICKET_REVOKED: 410,
  PAGE_LINK_INVALID: 410,
  MALFORMED_REQUEST: 400,
  SERVICE_UNAVAILABLE: 503,
  PROVIDER_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const TITLES: Record<string, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  MALFORMED_REQUEST: 'The request body could not be read',
  ID_NUMBER_INVALID: 'The ID number is not valid',
  CREDIT_CODE_INVALID: 'The unified social credit code is not valid',
  UNDERAGE: 'The person is under 18',
  INTERNATIONAL_SITE_REQUIRED: 'This identity must verify on the international site',
  METHOD_NOT_ELIGIBLE: 'This method is not available for this subject',
  PAYER_ACCOUNT_NAME_MISMATCH: 'The paying account name differs from the enterprise name',
  IDENTITY_QUOTA_EXCEEDED: 'This identity has verified the maximum number of accounts',
  PROCESS_ALREADY_OPEN: 'The account already has a verification or change in progress',
  MONEY_UNSETTLED: 'Money of the account is not settled',
  ACCOUNT_CLOSED: 'The account is closed',
  ALREADY_VERIFIED: 'The account is already verified',
  NOT_VERIFIED: 'The account is not verified',
  CHANGE_COOLDOWN: 'A change is not possible yet',
  CHANGE_NOT_ALLOWED: 'This change is not allowed',
  REVIEW_NOT_OPEN: 'The review is no longer open',
  REVIEW_CLAIMED: 'Another reviewer holds this review',
  SECOND_REVIEWER_REQUIRED: 'A second reviewer must approve this review',
  PROCESS_NOT_OPEN: 'The process is not waiting for this action',
  QR_REFRESH_LIMIT: 'No fresh QR code is left',
  IDEMPOTENCY_CONFLICT: 'The idempotency key was used for another request',
  IDEMPOTENCY_IN_PROGRESS: 'A request with this idempotency key is still being answered',
  METHOD_NOT_ALLOWED: 'This method is not allowed on this path',
  RATE_LIMITED: 'Too many requests from this address',
  UPLOAD_TOO_LARGE: 'The upload is too large',
  UPLOAD_TYPE_NOT_ALLOWED: 'This file type is not allowed',
  NOT_FOUND: 'Not found',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Not allowed for this role',
  TICKET_ALREADY_USED: 'The ticket was already used',
  TICKET_EXPIRED: 'The ticket has expired',
  TICKET_REVOKED: 'The ticket is no longer valid',
  PAGE_LINK_INVALID: 'This link opens nothing: ask for a new one',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable',
  PROVIDER_UNAVAILABLE: 'A provider is unavailable',
  INTERNAL: 'Internal error',
};

/** Where a person whose identity reached its quota finds the accounts it verified, alone (SPEC §12 "find my accounts"). */
export const IDENTITY_LOOKUP_PATH = '/v1/identity-lookups';

/** The quota refusal, wherever it is raised: it points at the self-service lookup (API.md). */
export const identityQuotaExceeded = (detail = 'This identity has already verified the maximum number of accounts.'): AppError =>
  new AppError('IDENTITY_QUOTA_EXCEEDED', `${detail} Find the accounts it verified with POST ${IDENTITY_LOOKUP_PATH}.`, { lookup: IDENTITY_LOOKUP_PATH });

/** A dependency or provider that is down: the client may retry after this many seconds. */
export const RETRY_AFTER_UNAVAILABLE_S = 5;

export const problemType = (code: string) => `urn:problem-type:realname:${code.toLowerCase().replace(/_/g, '-')}`;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  correlationId?: string;
  [extra: string]: unknown;
}

export function statusOf(code: string): number {
  return STATUS[code] ?? 500;
}

export function problemOf(code: string, detail: string, extras: Record<string, unknown> = {}, correlationId?: string): Problem {
  return {
    type: problemType(code),
    title: TITLES[code] ?? code,
    status: statusOf(code),
    detail,
    code,
    ...extras,
    ...(correlationId ? { correlationId } : {}),
  };
}

export interface FieldError {
  path: string;
  message: string;
}

export function validationError(errors: FieldError[], detail = 'Some fields are missing or not valid.'): AppError {
  return new AppError('VALIDATION_FAILED', detail, { errors });
}

/** zod issues as `errors: [{ path, message }]`; body fields by their own path, others prefixed (`query.limit`). */
export function fieldErrors(error: z.ZodError, location: 'body' | 'query' | 'path'): FieldError[] {
  return error.issues.map((issue) => {
    const parts = issue.path.map(String);
    const path = location === 'body' ? parts.join('.') : [location, ...parts].join('.');
    return { path: path || location, message: issue.message };
  });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    correlationId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document with a stable code' });

/** What was thrown, as the problem document it is answered with. */
function problemFor(err: unknown, logger: Logger, context: { correlationId?: string; method: string; path: string }): Problem {
  const { correlationId } = context;
  const expressType = (err as { type?: string }).type;
  if (err instanceof AppError) return problemOf(err.code, err.detail, err.extras, correlationId);
  if (err instanceof ProviderUnavailableError) {
    logger.warn({ provider: err.provider, correlationId }, 'a provider is unavailable');
    return problemOf('PROVIDER_UNAVAILABLE', `The ${err.provider} provider cannot be reached right now; try again later.`, {}, correlationId);
  }
  const dependency = unavailableDependency(err);
  if (dependency) {
    logger.warn({ dependency, correlationId, method: context.method, path: context.path, error: String((err as Error).message) }, 'a dependency is unavailable');
    return problemOf('SERVICE_UNAVAILABLE', `The ${dependency} cannot be reached right now; retry after Retry-After seconds.`, {}, correlationId);
  }
  if (expressType === 'entity.parse.failed') {
    return { ...problemOf('MALFORMED_REQUEST', 'The body is not valid JSON.', {}, correlationId), code: 'VALIDATION_FAILED', errors: [{ path: '', message: 'malformed JSON' }] };
  }
  if (expressType === 'entity.too.large') return { ...problemOf('VALIDATION_FAILED', 'The request body is too large.', {}, correlationId), status: 413 };
  if (expressType === 'encoding.unsupported' || expressType === 'charset.unsupported') {
    return { ...problemOf('MALFORMED_REQUEST', 'Unsupported body encoding.', {}, correlationId), code: 'VALIDATION_FAILED' };
  }
  logger.error({ err, correlationId, method: context.method, path: context.path }, 'unhandled error');
  return problemOf('INTERNAL', 'Something went wrong on our side; the correlation id identifies it in our logs.', {}, correlationId);
}

/** The single error middleware: whatever was thrown leaves as application/problem+json. */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const problem = problemFor(err, logger, { correlationId: res.locals.correlationId as string | undefined, method: req.method, path: req.path });
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (problem.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_UNAVAILABLE_S));
    if (typeof problem.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    if (Array.isArray(problem.allow)) res.setHeader('Allow', problem.allow.join(', '));
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}
