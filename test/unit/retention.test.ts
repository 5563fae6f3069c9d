import { describe, expect, it } from 'vitest';
import {
  cutoffOf,
  dueCutoffs,
  isRetentionCategory,
  personalDataKeptUntil,
  replacedAt,
  RETENTION_CATEGORIES,
  retentionProblems,
  retentionRules,
  retentionVerb,
  type ChangeOfSubject,
  type RetentionSettings,
} from '../../domain/retention';

/** Retention (SPEC §11): what is due at an instant, and which settings are refused. */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-08T10:00:00.000Z');

/** SPEC §11's defaults. */
const defaults = (): RetentionSettings => ({
  periods: { idempotency: 24 * HOUR, 'provider-events': 30 * DAY, webhooks: 30 * DAY, events: 30 * DAY, audit: 1095 * DAY, 'page-sessions': 24 * HOUR, 'unfinished-processes': 90 * DAY, 'replaced-subjects': 90 * DAY, uploads: 90 * DAY },
  intervalMs: HOUR,
  batchSize: 1000,
});
const context = { webhookRetryForMs: 3 * DAY };

describe('cutoffOf', () => {
  it.each([
    ['24 hours', 24 * HOUR, '2026-12-07T10:00:00.000Z'],
    ['30 days', 30 * DAY, '2026-11-08T10:00:00.000Z'],
    ['3 years as 1095 days (a leap day in between is not a year)', 1095 * DAY, '2023-12-09T10:00:00.000Z'],
    ['one millisecond', 1, '2026-12-08T09:59:59.999Z'],
  ])('%s before now', (_name, keepMs, cutoff) => {
    expect(cutoffOf(NOW, keepMs).toISOString()).toBe(cutoff);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a period of %s ms', (keepMs) => {
    expect(() => cutoffOf(NOW, keepMs)).toThrow(/positive/);
  });
});

describe('dueCutoffs', () => {
  it('gives each rule its own cutoff from the same instant, in the order given', () => {
    expect(dueCutoffs(NOW, [{ category: 'webhooks', keepMs: 30 * DAY }, { category: 'idempotency', keepMs: 24 * HOUR }])).toEqual([
      { category: 'webhooks', cutoff: '2026-11-08T10:00:00.000Z' },
      { category: 'idempotency', cutoff: '2026-12-07T10:00:00.000Z' },
    ]);
  });

  it('has nothing due when given no rule', () => {
    expect(dueCutoffs(NOW, [])).toEqual([]);
  });
});

describe('retentionRules', () => {
  it('one rule per category, with its period', () => {
    expect(retentionRules(defaults().periods)).toEqual([
      { category: 'idempotency', keepMs: 24 * HOUR },
      { category: 'provider-events', keepMs: 30 * DAY },
      { category: 'webhooks', keepMs: 30 * DAY },
      { category: 'events', keepMs: 30 * DAY },
      { category: 'audit', keepMs: 1095 * DAY },
      { category: 'page-sessions', keepMs: 24 * HOUR },
      { category: 'unfinished-processes', keepMs: 90 * DAY },
      { category: 'replaced-subjects', keepMs: 90 * DAY },
      { category: 'uploads', keepMs: 90 * DAY },
    ]);
    expect(RETENTION_CATEGORIES.every(isRetentionCategory)).toBe(true);
    expect(isRetentionCategory('photos')).toBe(false);
  });

  it.each([
    ['idempotency', 'deletes'],
    ['provider-events', 'deletes'],
    ['webhooks', 'deletes'],
    ['events', 'deletes'],
    ['audit', 'deletes'],
    ['page-sessions', 'deletes'],
    ['unfinished-processes', 'erases'],
    ['replaced-subjects', 'erases'],
    ['uploads', 'erases'],
  ] as const)('the schedule of %s %s what falls due', (category, verb) => {
    expect(retentionVerb(category)).toBe(verb);
  });
});

describe('retentionProblems', () => {
  it('accepts SPEC §11’s defaults, and second-scale settings that keep the same proportions', () => {
    expect(retentionProblems(defaults(), context)).toEqual([]);
    const minute = 60_000;
    const periods = { idempotency: minute, 'provider-events': minute, webhooks: minute, events: minute, audit: minute, 'page-sessions': minute, 'unfinished-processes': minute, 'replaced-subjects': minute, uploads: minute };
    const fast = { periods, intervalMs: 2_000, batchSize: 2 };
    expect(retentionProblems(fast, { webhookRetryForMs: 30_000 })).toEqual([]);
  });

  it.each<[string, (s: RetentionSettings) => void, RegExp]>([
    ['a zero period', (s) => void (s.periods.audit = 0), /^RETENTION_AUDIT must be a positive duration$/],
    ['a period beyond a century', (s) => void (s.periods['provider-events'] = 36_501 * DAY), /^RETENTION_PROVIDER_EVENTS must be at most 36500d$/],
    ['a replaced subject kept for no time', (s) => void (s.periods['replaced-subjects'] = 0), /^RETENTION_REPLACED_SUBJECT must be a positive duration$/],
    ['page sessions kept for no time', (s) => void (s.periods['page-sessions'] = 0), /^RETENTION_PAGE_SESSIONS must be a positive duration$/],
    // Unfinished processes and uploads read the one setting: its problem is told once.
    ['RETENTION_UNFINISHED negative', (s) => void ((s.periods['unfinished-processes'] = -1), (s.periods.uploads = -1)), /^RETENTION_UNFINISHED must be a positive duration$/],
    ['an interval longer than the shortest period', (s) => void (s.intervalMs = 24 * HOUR + 1), /^RETENTION_INTERVAL must be positive and no longer than the shortest retention period$/],
    ['a zero interval', (s) => void (s.intervalMs = 0), /^RETENTION_INTERVAL/],
    ['webhook records deleted while the delivery may still be retried', (s) => void (s.periods.webhooks = 3 * DAY), /^RETENTION_WEBHOOKS must be longer than WEBHOOK_RETRY_FOR/],
    ['a zero batch', (s) => void (s.batchSize = 0), /^RETENTION_BATCH_SIZE must be a whole number from 1 to 10000$/],
    ['a batch too large for one statement', (s) => void (s.batchSize = 10_001), /^RETENTION_BATCH_SIZE/],
    ['a fractional batch', (s) => void (s.batchSize = 2.5), /^RETENTION_BATCH_SIZE/],
  ])('refuses %s', (_name, spoil, message) => {
    const settings = defaults();
    spoil(settings);
    const problems = retentionProblems(settings, context);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('an interval equal to the shortest period is the longest accepted', () => {
    expect(retentionProblems({ ...defaults(), intervalMs: 24 * HOUR }, context)).toEqual([]);
  });

  it('names every setting that is wrong at once, each once', () => {
    const settings = defaults();
    settings.periods.idempotency = -1;
    settings.intervalMs = 0;
    settings.batchSize = 0;
    expect(retentionProblems(settings, context).map((p) => p.split(' ')[0])).toEqual(['RETENTION_IDEMPOTENCY', 'RETENTION_INTERVAL', 'RETENTION_BATCH_SIZE']);
  });
});

describe('replacedAt (whose subject a change replaced)', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  const change = (id: string, type: string, status: string, created: number, completed: number | null): ChangeOfSubject => ({
    id,
    type,
    status,
    createdAt: at(created),
    completedAt: completed === null ? null : at(completed),
  });
  const original = { id: 'ver_original1', createdAt: at(1), changeId: null };
  it.each<[string, { id: string; createdAt: Date; changeId: string | null }, ChangeOfSubject[], Date | null]>([
    ['no change: the current subject', original, [], null],
    ['a new person (individual → individual)', original, [change('chg_person001', 'individual_to_individual', 'completed', 10, 11)], at(11)],
    ['a new enterprise (individual → enterprise)', original, [change('chg_enterpr01', 'individual_to_enterprise', 'completed', 10, 12)], at(12)],
    ['another legal entity (enterprise entity change)', original, [change('chg_entity001', 'enterprise_entity_change', 'completed', 10, 20)], at(20)],
    ['a name change keeps the subject', original, [change('chg_name00001', 'enterprise_name_change', 'completed', 10, 11)], null],
    ['a new legal representative keeps the subject', original, [change('chg_legalrep1', 'legal_representative_update', 'completed', 10, 11)], null],
    ['a change that did not complete replaces nothing', original, [change('chg_failed001', 'individual_to_individual', 'failed', 10, 11), change('chg_revoked01', 'individual_to_enterprise', 'revoked', 12, 13)], null],
    ['a change still running replaces nothing yet', original, [change('chg_running01', 'individual_to_individual', 'in_progress', 10, null)], null],
    ['a change created before the process did not replace it', { id: 'ver_later0001', createdAt: at(15), changeId: null }, [change('chg_person001', 'individual_to_individual', 'completed', 10, 11)], null],
    ['the change itself describes the new subject', { id: 'chg_person001', createdAt: at(10), changeId: null }, [change('chg_person001', 'individual_to_individual', 'completed', 10, 11)], null],
    ['nor does its new subject’s verification', { id: 'ver_newsubj01', createdAt: at(10), changeId: 'chg_enterpr01' }, [change('chg_enterpr01', 'individual_to_enterprise', 'completed', 9, 12)], null],
    [
      'the first of two replacements ends the subject',
      original,
      [change('chg_second001', 'individual_to_individual', 'completed', 40, 41), change('chg_first0001', 'individual_to_individual', 'completed', 10, 11)],
      at(11),
    ],
    [
      'a replaced new subject is replaced by the next change',
      { id: 'chg_first0001', createdAt: at(10), changeId: null },
      [change('chg_first0001', 'individual_to_individual', 'completed', 10, 11), change('chg_second001', 'individual_to_individual', 'completed', 40, 41)],
      at(41),
    ],
  ])('%s', (_name, process, changes, expected) => {
    expect(replacedAt(process, changes)).toEqual(expected);
  });
});

describe('personalDataKeptUntil (the right of access)', () => {
  const ended = new Date('2026-09-01T00:00:00.000Z');
  const replaced = new Date('2026-10-01T00:00:00.000Z');
  const soon = new Date('2026-09-02T00:00:00.000Z');
  const late = new Date('2026-11-01T00:00:00.000Z');
  const kept = { replacedAt: null, erased: false };
  it.each([
    ['a failed verification', { ...kept, status: 'failed', completedAt: ended }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['an expired one', { ...kept, status: 'expired', completedAt: ended }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['a revoked change', { ...kept, status: 'revoked', completedAt: ended }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['a verified subject', { ...kept, status: 'verified', completedAt: ended }, null, /while the account is verified/],
    ['a completed change', { ...kept, status: 'completed', completedAt: ended }, null, /while the account is verified/],
    ['a verified subject a change replaced', { ...kept, status: 'verified', completedAt: ended, replacedAt: replaced }, '2026-11-10T00:00:00.000Z', /RETENTION_REPLACED_SUBJECT after a change replaced/],
    ['a completed change whose subject was replaced', { ...kept, status: 'completed', completedAt: ended, replacedAt: replaced }, '2026-11-10T00:00:00.000Z', /RETENTION_REPLACED_SUBJECT/],
    ['a failed one replaced much later: its own end comes first', { ...kept, status: 'failed', completedAt: ended, replacedAt: late }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['a failed one replaced the next day: the replacement comes first', { ...kept, status: 'failed', completedAt: ended, replacedAt: soon }, '2026-10-12T00:00:00.000Z', /RETENTION_REPLACED_SUBJECT/],
    ['a running process', { ...kept, status: 'in_progress', completedAt: null }, null, /while the process runs/],
    ['an erased one', { ...kept, status: 'failed', completedAt: ended, erased: true }, null, /^erased$/],
    ['an erased replaced one', { ...kept, status: 'verified', completedAt: ended, replacedAt: replaced, erased: true }, null, /^erased$/],
    ['a lookup that found the accounts: it verified nothing', { ...kept, status: 'completed', completedAt: ended, lookup: true }, '2026-11-30T00:00:00.000Z', /after a lookup ended/],
    ['a failed lookup', { ...kept, status: 'failed', completedAt: ended, lookup: true }, '2026-11-30T00:00:00.000Z', /after a lookup ended/],
    ['a lookup still waiting for its check', { ...kept, status: 'in_progress', completedAt: null, lookup: true }, null, /while the process runs/],
  ])('%s', (_name, process, keptUntil, retention) => {
    const kept = personalDataKeptUntil(process, { 'unfinished-processes': 90 * DAY, 'replaced-subjects': 40 * DAY });
    expect(kept.keptUntil?.toISOString() ?? null).toBe(keptUntil);
    expect(kept.retention).toMatch(retention);
  });
});
