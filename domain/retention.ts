/**
 * Retention (SPEC §11): how long each category is kept, what is due at a
 * given instant, and which settings make sense. `unfinished-processes` is the personal
 * data of processes that ended without verifying: erased (their data keys
 * destroyed, their rows scrubbed) rather than deleted.
 */

export const RETENTION_CATEGORIES = ['idempotency', 'provider-events', 'webhooks', 'audit', 'unfinished-processes'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/** How long each category is kept, in milliseconds. */
export type RetentionPeriods = Record<RetentionCategory, number>;

/** One category as a scheduled run carries it: the schedule's arguments show operators what it keeps. */
export interface RetentionRule {
  category: RetentionCategory;
  keepMs: number;
}

export interface RetentionSettings {
  periods: RetentionPeriods;
  /** How often each category's schedule runs. */
  intervalMs: number;
  /** Rows per delete statement. */
  batchSize: number;
}

/** Batches one run deletes at most per category; what is left waits for the next run, so no run holds the database for long. */
export const RETENTION_MAX_BATCHES_PER_RUN = 100;
export const RETENTION_MAX_BATCH_SIZE = 10_000;
/** A century: beyond it a cutoff leaves the range of dates a database keeps. */
export const RETENTION_MAX_PERIOD_MS = 36_500 * 24 * 3600_000;

export const isRetentionCategory = (value: string): value is RetentionCategory => (RETENTION_CATEGORIES as readonly string[]).includes(value);

/** Rows of a category last used before this instant are due (`nowMs` is the run's own clock). */
export function cutoffOf(nowMs: number, keepMs: number): Date {
  if (!Number.isSafeInteger(keepMs) || keepMs <= 0) throw new Error(`a retention period must be a positive number of milliseconds, not ${keepMs}`);
  return new Date(nowMs - keepMs);
}

/** What each rule makes due at `nowMs`: its cutoff, as ISO text (it travels in an activity's arguments). */
export function dueCutoffs(nowMs: number, rules: readonly RetentionRule[]): { category: RetentionCategory; cutoff: string }[] {
  return rules.map(({ category, keepMs }) => ({ category, cutoff: cutoffOf(nowMs, keepMs).toISOString() }));
}

/** The schedule's rule of each category, from the settings. */
export const retentionRules = (periods: RetentionPeriods): RetentionRule[] => RETENTION_CATEGORIES.map((category) => ({ category, keepMs: periods[category] }));

const ENV_NAMES: Record<RetentionCategory, string> = {
  idempotency: 'RETENTION_IDEMPOTENCY',
  'provider-events': 'RETENTION_PROVIDER_EVENTS',
  webhooks: 'RETENTION_WEBHOOKS',
  audit: 'RETENTION_AUDIT',
  'unfinished-processes': 'RETENTION_UNFINISHED',
};

/**
 * Why the settings do not make sense, one sentence each (none: they do).
 * `webhookRetryForMs` is how long a webhook delivery may still be retried.
 */
export function retentionProblems(settings: RetentionSettings, context: { webhookRetryForMs: number }): string[] {
  const { periods, intervalMs, batchSize } = settings;
  const problems: string[] = [];
  for (const category of RETENTION_CATEGORIES) {
    const keepMs = periods[category];
    if (!Number.isSafeInteger(keepMs) || keepMs <= 0) problems.push(`${ENV_NAMES[category]} must be a positive duration`);
    else if (keepMs > RETENTION_MAX_PERIOD_MS) problems.push(`${ENV_NAMES[category]} must be at most 36500d`);
  }
  // Measured against the periods that are valid: a wrong one is reported once, above.
  const shortest = Math.min(...RETENTION_CATEGORIES.map((c) => periods[c]).filter((ms) => Number.isSafeInteger(ms) && ms > 0));
  // Rows are deleted up to one interval after they fall due: a longer interval would keep them more than twice their period.
  if (!(intervalMs > 0) || intervalMs > shortest) problems.push('RETENTION_INTERVAL must be positive and no longer than the shortest retention period');
  // A delivery's record is what an operator looks at while it is retried: it must outlive the retries.
  if (periods.webhooks <= context.webhookRetryForMs) problems.push('RETENTION_WEBHOOKS must be longer than WEBHOOK_RETRY_FOR (a delivery still being retried keeps its record)');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > RETENTION_MAX_BATCH_SIZE) problems.push(`RETENTION_BATCH_SIZE must be a whole number from 1 to ${RETENTION_MAX_BATCH_SIZE}`);
  return problems;
}

/** A process as the right of access tells how long its personal data is kept. */
export interface HeldProcess {
  status: string;
  completedAt: Date | null;
  /** Its personal data was erased already (retention, or the account's closure). */
  erased: boolean;
}

const ENDED_WITHOUT_VERIFYING = new Set(['failed', 'expired', 'cancelled', 'revoked']);

/** SPEC §11: until when a process's personal data is kept, unless the account closes first (null: no date yet), and by which rule. */
export function personalDataKeptUntil(p: HeldProcess, unfinishedMs: number): { keptUntil: Date | null; retention: string } {
  if (p.erased) return { keptUntil: null, retention: 'erased' };
  if (p.status === 'in_progress') return { keptUntil: null, retention: 'kept while the process runs' };
  if (ENDED_WITHOUT_VERIFYING.has(p.status) && p.completedAt) {
    return { keptUntil: new Date(p.completedAt.getTime() + unfinishedMs), retention: 'erased RETENTION_UNFINISHED after a process ended without verifying' };
  }
  return { keptUntil: null, retention: 'kept while the account is verified with this subject; erased when the account closes, or 90 days after a change replaces it' };
}
