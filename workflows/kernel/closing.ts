/**
 * Every run closes. Whatever ends a workflow execution — a provider down past
 * PROVIDER_CALL_TIMEOUT, a non-retryable activity failure, a workflow failure,
 * an operator's cancellation — the read model gets a terminal status, the
 * account's slot is released and the outcome is notified. A plain error (a bug)
 * is not caught: it fails the workflow task, which Temporal retries until a fix
 * is deployed, so that run is not lost.
 */
import { ActivityFailure, CancellationScope, isCancellation, log } from '@temporalio/workflow';
import { RetryState, TemporalFailure } from '@temporalio/common';
import { PROVIDER_CALL_TYPES } from './activities';
import { CANCELLED, failed, type Outcome } from './outcome';
import type { OpenAnswer, ProcessRun, ProcessSnapshot, RunEnd } from './run';

/** Runs the process `body`; if it throws a Temporal failure while the run holds its slot, closes the run for it. */
export async function runToClose<S extends ProcessSnapshot<Step>, Step extends string, O extends OpenAnswer, T>(
  run: ProcessRun<S, Step, O>,
  body: () => Promise<T>,
): Promise<T | RunEnd<S>> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof TemporalFailure) || !run.claimed || run.closed) throw err;
    const outcome = outcomeOf(err);
    log.error('the process failed; closing it', { error: err.message, outcome: typeof outcome === 'string' ? outcome : outcome.failureReason });
    // An operator's cancellation must not cancel the closing itself.
    await CancellationScope.nonCancellable(() => run.close(outcome));
    run.markOpened();
    return run.outcome();
  } finally {
    run.finished = true;
  }
}

/** What a failure means for the user: a provider that stayed unreachable, the operator's cancellation, or an internal failure. */
export function outcomeOf(err: TemporalFailure): Outcome {
  if (isCancellation(err)) return CANCELLED;
  if (err instanceof ActivityFailure && PROVIDER_CALL_TYPES.includes(err.activityType) && gaveUp(err.retryState)) {
    return failed('PROVIDER_UNAVAILABLE');
  }
  return failed('INTERNAL_ERROR');
}

const gaveUp = (state: RetryState | undefined) => state === RetryState.TIMEOUT || state === RetryState.MAXIMUM_ATTEMPTS_REACHED;
