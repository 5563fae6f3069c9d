import { describe, expect, it } from 'vitest';
import { refundNeedsRestart, strandedOutcome, type WorkflowRunStatus } from '../../domain/stranded-runs';

describe('strandedOutcome: an open process whose workflow is not running', () => {
  it.each<[WorkflowRunStatus, string | null]>([
    ['RUNNING', null],
    // Described by workflow id, the latest run counts: a run that continued as new is never the one described.
    ['CONTINUED_AS_NEW', null],
    ['UNKNOWN', null],
    ['TERMINATED', 'TERMINATED'],
    ['FAILED', 'INTERNAL_ERROR'],
    ['TIMED_OUT', 'INTERNAL_ERROR'],
    ['CANCELLED', 'INTERNAL_ERROR'],
    // Its code closes the row before the run completes: a completed run with an open row ended without its outcome.
    ['COMPLETED', 'INTERNAL_ERROR'],
    // Its history is gone (the namespace's retention) while the row stayed open.
    ['NOT_FOUND', 'INTERNAL_ERROR'],
  ])('%s → %s', (status, outcome) => {
    expect(strandedOutcome(status)).toBe(outcome);
  });
});

describe('refundNeedsRestart', () => {
  it.each<[WorkflowRunStatus, boolean]>([
    ['RUNNING', false],
    ['COMPLETED', false],
    ['CONTINUED_AS_NEW', false],
    ['UNKNOWN', false],
    ['TERMINATED', true],
    ['FAILED', true],
    ['TIMED_OUT', true],
    ['CANCELLED', true],
    ['NOT_FOUND', true],
  ])('%s → %s', (status, restart) => {
    expect(refundNeedsRestart(status)).toBe(restart);
  });
});
