import type { ErrorCode } from './constants';

/**
 * Codes beyond SPEC §9: the sandbox providers' refusals of bad calls, and a hosted page's link that opens nothing
 * (used, expired or made up: PAGE_LINK_INVALID, with the reason).
 */
export type ServiceErrorCode = 'TICKET_EXPIRED' | 'TICKET_ALREADY_USED' | 'TICKET_REVOKED' | 'PAGE_LINK_INVALID';

/**
 * A refusal with a stable code. Thrown by services, adapters and the sandbox;
 * the HTTP status is decided at the edge (api/http/problem.ts), in one mapping.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode | ServiceErrorCode,
    readonly detail: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}

export const appError = (code: ErrorCode | ServiceErrorCode, detail: string, extras?: Record<string, unknown>) =>
  new AppError(code, detail, extras);
