import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ErrorCode } from '../../domain/constants';
import { AppError, appError } from '../../domain/errors';
import { unavailableDependency } from './unavailable';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Turns what the Temporal client throws into the API's refusals: an update
 * validator's ApplicationFailure keeps its code; a closed or missing workflow is
 * a process that is not open; an unreachable cluster, or a call past its
 * deadline, is a 503.
 */
export function translateTemporalError(err: unknown): Error {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && KNOWN_CODES.has(cause.type)) {
      // A refusal's details (e.g. REVIEW_CLAIMED's claimedBy) join the problem document.
      const [details]: unknown[] = cause.details ?? [];
      const extras = details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : undefined;
      return appError(cause.type as ErrorCode, cause.message, extras);
    }
    return appError('PROCESS_NOT_OPEN', 'The process refused this action.');
  }
  if (err instanceof WorkflowNotFoundError) return appError('PROCESS_NOT_OPEN', 'The process is no longer open.');
  if (unavailableDependency(err) === 'workflow engine') {
    return appError('SERVICE_UNAVAILABLE', 'The workflow engine is not reachable; retry shortly.');
  }
  return err instanceof Error ? err : new Error(String(err));
}
