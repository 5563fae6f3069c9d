import { ChangeType } from './change-rules';

/**
 * Retention (SPEC §11): how long each category is kept, what is due at a
 * given instant, and which settings make sense. Three categories are personal
 * data, erased rather than deleted: `unfinished-processes` (processes that
 * ended without verifying: their data keys destroyed, their rows scrubbed),
 * `replaced-subjects` (the record of a subject a change replaced, likewise)
 * and `uploads` (files no process holding personal data uses any more: the
 * file deleted, the row kept as a placeholder).
 */

export const RETENTION_CATEGORIES = ['idempotency', 'provider-events', 'webhooks', 'events', 'audit', 'page-sessions', 'unfinished-processes', 'replaced-subjects', 'uploads'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/** The categories of personal data: their schedules erase (destroy keys, delete files) rather than delete rows. */
const ERASED_CATEGORIES: ReadonlySet<RetentionCategory> = new Set(['unfinished-processes', 'replaced-subjects', 'uploads']);
/** What a category's schedule does to what falls due, as its note in the Temporal UI says. */
export const retentionVerb = (category: RetentionCategory): 'erases' | 'deletes' => (ERASED_CATEGORIES.has(category) ? 'erases' : 'deletes');

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
  events: 'RETENTION_EVENTS',
  audit: 'RETENTION_AUDIT',
  'page-sessions': 'RETENTION_PAGE_SESSIONS',
  'unfinished-processes': 'RETENTION_UNFINISHED',
  'replaced-subjects': 'RETENTION_REPLACED_SUBJECT',
  // SPEC §11 keeps a process's uploads as long as its personal data: one setting for both.
  uploads: 'RETENTION_UNFINISHED',
};

/**
 * Why the settings do not make sense, one sentence each (none: they do).
 * `webhookRetryForMs` is how long a webhook delivery may still be retried.
 */
export function retentionProblems(settings: RetentionSettings, context: { webhookRetryForMs: number }): string[] {
  const { periods, intervalMs, batchSize } = settings;
  // A set: two categories read the same setting, whose problem is told once.
  const problems = new Set<string>();
  for (const category of RETENTION_CATEGORIES) {
    const keepMs = periods[category];
    if (!Number.isSafeInteger(keepMs) || keepMs <= 0) problems.add(`${ENV_NAMES[category]} must be a positive duration`);
    else if (keepMs > RETENTION_MAX_PERIOD_MS) problems.add(`${ENV_NAMES[category]} must be at most 36500d`);
  }
  // Measured against the periods that are valid: a wrong one is reported once, above.
  const shortest = Math.min(...RETENTION_CATEGORIES.map((c) => periods[c]).filter((ms) => Number.isSafeInteger(ms) && ms > 0));
  // Rows are deleted up to one interval after they fall due: a longer interval would keep them more than twice their period.
  if (!(intervalMs > 0) || intervalMs > shortest) problems.add('RETENTION_INTERVAL must be positive and no longer than the shortest retention period');
  // A delivery's record is what an operator looks at while it is retried: it must outlive the retries.
  if (periods.webhooks <= context.webhookRetryForMs) problems.add('RETENTION_WEBHOOKS must be longer than WEBHOOK_RETRY_FOR (a delivery still being retried keeps its record)');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > RETENTION_MAX_BATCH_SIZE) problems.add(`RETENTION_BATCH_SIZE must be a whole number from 1 to ${RETENTION_MAX_BATCH_SIZE}`);
  return [...problems];
}

/**
 * The changes that replace an account's subject with another identity (API.md):
 * a new person, a new enterprise, another legal entity. A name change and a
 * new legal representative keep the subject.
 */
export const SUBJECT_REPLACING_CHANGES: readonly ChangeType[] = [ChangeType.individual_to_individual, ChangeType.individual_to_enterprise, ChangeType.enterprise_entity_change];

/** A change as the replaced-subject rule looks at it. */
export interface ChangeOfSubject {
  id: string;
  type: string;
  status: string;
  createdAt: Date;
  completedAt: Date | null;
}

/** A process as the replaced-subject rule looks at it: `changeId` is the change whose new subject it verified, if any. */
export interface ProcessOfSubject {
  id: string;
  createdAt: Date;
  changeId: string | null;
}

/**
 * When a change replaced the subject a process describes (null: not
 * replaced). The process belongs to the subject of its time: the first
 * subject-replacing change that completed and was created after it ends that
 * subject. One process is never replaced by itself, nor a change's own
 * new-subject verification by that change (it describes the new subject).
 * One open process per account: nothing of the former subject is created
 * after such a change opens.
 */
export function replacedAt(process: ProcessOfSubject, changes: readonly ChangeOfSubject[]): Date | null {
  const replacing = changes.filter(
    (c) =>
      c.status === 'completed' &&
      c.completedAt !== null &&
      (SUBJECT_REPLACING_CHANGES as readonly string[]).includes(c.type) &&
      c.id !== process.id &&
      c.id !== process.changeId &&
      c.createdAt.getTime() > process.createdAt.getTime(),
  );
  const times = replacing.map((c) => c.completedAt!.getTime());
  return times.length === 0 ? null : new Date(Math.min(...times));
}

/** A process as the right of access tells how long its personal data is kept. */
export interface HeldProcess {
  status: string;
  completedAt: Date | null;
  /** When a change replaced the subject it describes (replacedAt), if one did. */
  replacedAt: Date | null;
  /** Its personal data was erased already (retention, or the account's closure). */
  erased: boolean;
  /** A "find my accounts" lookup: it verifies nothing, so it is erased RETENTION_UNFINISHED after it ended, whatever its outcome. */
  lookup?: boolean;
}

/** The periods the right of access counts with: RETENTION_UNFINISHED and RETENTION_REPLACED_SUBJECT. */
export type HeldPeriods = Pick<RetentionPeriods, 'unfinished-processes' | 'replaced-subjects'>;

const ENDED_WITHOUT_VERIFYING = new Set(['failed', 'expired', 'cancelled', 'revoked']);

/**
 * SPEC §11: until when a process's personal data is kept, unless the account
 * closes first (null: no date yet), and by which rule. Where two rules apply
 * (a process that failed before a change replaced its subject), the earlier
 * one erases it.
 */
export function personalDataKeptUntil(p: HeldProcess, periods: HeldPeriods): { keptUntil: Date | null; retention: string } {
  if (p.erased) return { keptUntil: null, retention: 'erased' };
  if (p.status === 'in_progress') return { keptUntil: null, retention: 'kept while the process runs' };
  const rules: { keptUntil: Date; retention: string }[] = [];
  if (p.lookup && p.completedAt) {
    rules.push({ keptUntil: new Date(p.completedAt.getTime() + periods['unfinished-processes']), retention: 'erased RETENTION_UNFINISHED after a lookup ended, whatever its outcome' });
  } else if (ENDED_WITHOUT_VERIFYING.has(p.status) && p.completedAt) {
    rules.push({ keptUntil: new Date(p.completedAt.getTime() + periods['unfinished-processes']), retention: 'erased RETENTION_UNFINISHED after a process ended without verifying' });
  }
  if (p.replacedAt) {
    rules.push({ keptUntil: new Date(p.replacedAt.getTime() + periods['replaced-subjects']), retention: 'erased RETENTION_REPLACED_SUBJECT after a change replaced the subject it describes' });
  }
  const first = rules.sort((a, b) => a.keptUntil.getTime() - b.keptUntil.getTime())[0];
  return first ?? { keptUntil: null, retention: 'kept while the account is verified with this subject; erased when the account closes, or RETENTION_REPLACED_SUBJECT after a change replaces it' };
}
