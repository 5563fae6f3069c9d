import type { FailureReason } from './constants';

/**
 * What a process whose read-model row is still open becomes when its workflow
 * is no longer running (SPEC §10 "every run closes"): a run an operator
 * terminated ends TERMINATED; one that failed, timed out or was cancelled
 * outside the process's own code — or that completed, or is gone, without
 * writing its outcome — ends INTERNAL_ERROR. A running workflow (or one that
 * continued as new: its latest run is what counts) is left alone.
 */
export type WorkflowRunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT' | 'NOT_FOUND' | 'UNKNOWN';

export function strandedOutcome(status: WorkflowRunStatus): FailureReason | null {
  switch (status) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
    case 'UNKNOWN':
      return null;
    case 'TERMINATED':
      return 'TERMINATED';
    case 'FAILED':
    case 'CANCELLED':
    case 'TIMED_OUT':
    case 'COMPLETED':
    case 'NOT_FOUND':
      return 'INTERNAL_ERROR';
  }
}

/** Whether a refund workflow must be started again: it is not running and did not complete. */
export const refundNeedsRestart = (status: WorkflowRunStatus): boolean => !['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW', 'UNKNOWN'].includes(status);
