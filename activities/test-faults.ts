import { log, sleep } from '@temporalio/activity';

/** How long a paused activity waits: longer than any test takes to kill its worker. */
const PAUSE_MS = 10 * 60_000;

/**
 * Test-only fault injection (TEST_FAULT_PAUSE_AFTER, refused outside
 * NODE_ENV=test): the named activities pause after their effect and before
 * reporting back, the worst moment for the worker to die. A test kills the
 * worker there; Temporal retries the activity on another worker, and the test
 * checks the effect happened once.
 */
export function withPauses<T extends Record<string, unknown>>(activities: T, pauseAfter: readonly string[]): T {
  if (pauseAfter.length === 0) return activities;
  const wrapped: Record<string, unknown> = { ...activities };
  for (const name of pauseAfter) {
    const fn = activities[name];
    if (typeof fn !== 'function') throw new Error(`TEST_FAULT_PAUSE_AFTER names no activity: ${name}`);
    wrapped[name] = async (...args: unknown[]) => {
      const result: unknown = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      log.warn(`test fault: pausing after ${name}`);
      await sleep(PAUSE_MS);
      return result;
    };
  }
  return wrapped as T;
}
