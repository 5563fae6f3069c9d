import { ApplicationFailure } from '@temporalio/common';
import { PermanentFailure } from '../workflows/messages';

/**
 * Permanent states, reported as named non-retryable failures: a retry cannot
 * change them, so the workflow hears at once instead of after its retry bound.
 */
export const recordMissing = (what: string) => ApplicationFailure.nonRetryable(`${what} does not exist`, PermanentFailure.recordMissing);
export const invalidRequest = (message: string) => ApplicationFailure.nonRetryable(message, PermanentFailure.invalidRequest);
