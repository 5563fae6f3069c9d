/**
 * How a process ends, as its steps say it: an outcome the run closes with, a
 * step that ended the process, a request refused. Deterministic code only.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import { TemporalFailure } from '@temporalio/common';
import type { FailureReason } from '../../domain/constants';

/** How a step ends the process: 'verify' completes it through the process's atomic checks; anything else finishes it as given. */
export type Outcome = { status: 'failed' | 'expired' | 'cancelled'; failureReason: FailureReason | null } | 'verify';
export const EXPIRED: Outcome = { status: 'expired', failureReason: null };
export const CANCELLED: Outcome = { status: 'cancelled', failureReason: null };
export const failed = (failureReason: FailureReason): Outcome => ({ status: 'failed', failureReason });

/** What a step returns when the process ended inside it (the caller closes with `outcome`). */
export type Ended = { kind: 'ended'; outcome: Outcome };
export const ended = (outcome: Outcome): Ended => ({ kind: 'ended', outcome });

/** Money a completion credits to the account (a recharge's transfer). */
export interface Credit {
  amountFen: number;
  reference: string;
}

/** A refusal an update validator throws: the caller gets its type as the problem code, nothing is written. */
export const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** Runs `work`; a failure is logged and changes nothing (cleanups and notifications never change an outcome). */
export async function bestEffort(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    // A bug (a plain error) still fails the workflow task, to be retried once fixed.
    if (!(err instanceof TemporalFailure)) throw err;
    log.warn(`${what} failed; the outcome stands`, { error: err instanceof Error ? err.message : String(err) });
  }
}
