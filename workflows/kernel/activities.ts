/**
 * The workflows' activities, proxied by class of call. Each class has its own
 * timeouts and retry policy; every class gives up at once on the permanent
 * failures activities report by name.
 */
import { patched, proxyActivities, proxyLocalActivities, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { PERMANENT_FAILURE_TYPES } from '../messages';

/** PROVIDER_CALL_TIMEOUT for runs whose input predates it. */
export const DEFAULT_PROVIDER_CALL_TIMEOUT_MS = 10 * 60_000;

const nonRetryableErrorTypes = [...PERMANENT_FAILURE_TYPES];

const DATABASE_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes };
const DATABASE_WRITES: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: DATABASE_RETRY };
const LOCAL_DATABASE_WRITES: LocalActivityOptions = { startToCloseTimeout: '30 seconds', retry: DATABASE_RETRY };

/**
 * Since this patch, a run's database writes are local activities: the worker
 * runs them inside the workflow task and the history keeps one marker each,
 * where an activity costs three events, a task queue round trip and the next
 * workflow task (about a third of a WeChat QR verification's events and
 * server work; README, Performance). They stay at-least-once and idempotent
 * by revision; a write still failing after a minute backs off on a timer.
 * Runs recorded before keep their activities (`patched`, asked at each write:
 * a run that was open at the deploy switches at its next write).
 */
export const LOCAL_DATABASE_WRITES_PATCH = 'database-writes-local';

/** Database writes: short, retried until the database is back. Each process proxies the writes it makes (`databaseWrites<'openChange' | …>()`). */
export function databaseWrites<K extends keyof Activities>(): Pick<Activities, K> {
  const remote = proxyActivities<Pick<Activities, K>>(DATABASE_WRITES);
  const local = proxyLocalActivities<Pick<Activities, K>>(LOCAL_DATABASE_WRITES);
  return new Proxy({} as Pick<Activities, K>, {
    // Only an activity's name asks the patch (a symbol, say, when the proxy is inspected, is no write).
    get: (_, name) => (typeof name === 'string' ? (patched(LOCAL_DATABASE_WRITES_PATCH) ? local : remote)[name as K] : undefined),
  });
}

/** Money owed to someone (refunds, in the refund workflow): retried without bound, never ending anything. Idempotent at the bank. */
export const refunds = proxyActivities<Pick<Activities, 'refundTransfer'>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

const NOTICES: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes },
};

/** Notifications: tried for an hour, then given up; the caller logs it and the outcome stands. Each process proxies its own. */
export const noticeCalls = <K extends keyof Activities>() => proxyActivities<Pick<Activities, K>>(NOTICES);

/** Reminders (SPEC §12): sent beside the step's wait, tried like notifications; the step's end cancels one in flight. */
export const reminderCalls = proxyActivities<Pick<Activities, 'sendReminder'>>(NOTICES);

/** Calls to a provider (QR codes, the registry) and payouts: bounded by PROVIDER_CALL_TIMEOUT. */
export type ProviderCallType = 'issueQr' | 'revokeQr' | 'checkRegistry' | 'requestPayout' | 'openCollectionAccount';
export const PROVIDER_CALL_TYPES: readonly string[] = ['issueQr', 'revokeQr', 'checkRegistry', 'requestPayout', 'openCollectionAccount'] satisfies ProviderCallType[];

/** The provider calls of one run, bounded by its PROVIDER_CALL_TIMEOUT: past it the call fails and the run closes PROVIDER_UNAVAILABLE. */
export function providerCalls(boundMs: number | undefined) {
  const scheduleToCloseTimeout = boundMs ?? DEFAULT_PROVIDER_CALL_TIMEOUT_MS;
  const providers = proxyActivities<Pick<Activities, 'issueQr' | 'revokeQr' | 'checkRegistry' | 'openCollectionAccount'>>({
    startToCloseTimeout: '20 seconds',
    scheduleToCloseTimeout,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes },
  });
  // Money out: a payout is idempotent by request id at the bank, so a retry never pays twice.
  const payouts = proxyActivities<Pick<Activities, 'requestPayout'>>({
    startToCloseTimeout: '15 seconds',
    scheduleToCloseTimeout,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes },
  });
  // (Activity proxies resolve names on access: spreading one copies nothing.)
  return {
    issueQr: providers.issueQr,
    revokeQr: providers.revokeQr,
    checkRegistry: providers.checkRegistry,
    openCollectionAccount: providers.openCollectionAccount,
    requestPayout: payouts.requestPayout,
  };
}
export type ProviderCalls = ReturnType<typeof providerCalls>;
