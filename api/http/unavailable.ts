import { isGrpcServiceError } from '@temporalio/client';

/**
 * Which dependency an error says is out of reach: PostgreSQL (refused, reset,
 * shutting down, no pooled connection in time) or the Temporal frontend (an
 * RPC that failed or ran past its deadline). Such a request is answered 503
 * SERVICE_UNAVAILABLE with Retry-After, never 500: retrying it later is right.
 */
export type Dependency = 'database' | 'workflow engine';

/** Socket errors of a server that is down or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs: connection exceptions (08xxx, not 08P01, a protocol violation of ours), shutdown and start-up (57P01-57P03), too many connections. */
const PG_UNAVAILABLE = /^(08\d{3}|57P0[123]|53300)$/;
/** What node-postgres says when the server went away under a connection (it sets no code). */
const PG_CONNECTION_LOST = /^(Connection terminated|timeout expired$|Client has encountered a connection error|Client was closed)/;
/** The Temporal client's errors for an RPC that did not get through. */
const TEMPORAL_ERRORS = new Set(['ServiceError', 'WorkflowUpdateRPCTimeoutOrCancelledError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

function databaseUnavailable(err: ErrorLike): boolean {
  if (err.name === 'KnexTimeoutError') return true;
  if (typeof err.code === 'string' && (NETWORK_CODES.has(err.code) || PG_UNAVAILABLE.test(err.code))) return true;
  if (typeof err.message === 'string' && PG_CONNECTION_LOST.test(err.message)) return true;
  // Node reports a refused connection to a host with several addresses as an AggregateError of each attempt.
  return Array.isArray(err.errors) && err.errors.length > 0 && err.errors.every((e) => e && typeof e === 'object' && databaseUnavailable(e as ErrorLike));
}

export function unavailableDependency(err: unknown): Dependency | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as ErrorLike;
  if ((typeof e.name === 'string' && TEMPORAL_ERRORS.has(e.name)) || isGrpcServiceError(err)) return 'workflow engine';
  return databaseUnavailable(e) ? 'database' : null;
}
