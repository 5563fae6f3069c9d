import { describe, expect, it } from 'vitest';
import { cutoffOf, dueCutoffs, isRetentionCategory, personalDataKeptUntil, RETENTION_CATEGORIES, retentionProblems, retentionRules, type RetentionSettings } from '../../domain/retention';

/** Retention (SPEC §11): what is due at an instant, and which settings are refused. */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-08T10:00:00.000Z');

/** SPEC §11's defaults. */
const defaults = (): RetentionSettings => ({
  periods: { idempotency: 24 * HOUR, 'provider-events': 30 * DAY, webhooks: 30 * DAY, audit: 1095 * DAY, 'unfinished-processes': 90 * DAY },
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
      { category: 'audit', keepMs: 1095 * DAY },
      { category: 'unfinished-processes', keepMs: 90 * DAY },
    ]);
    expect(RETENTION_CATEGORIES.every(isRetentionCategory)).toBe(true);
    expect(isRetentionCategory('uploads')).toBe(false);
  });
});

describe('retentionProblems', () => {
  it('accepts SPEC §11’s defaults, and second-scale settings that keep the same proportions', () => {
    expect(retentionProblems(defaults(), context)).toEqual([]);
    const fast = { periods: { idempotency: 60_000, 'provider-events': 60_000, webhooks: 60_000, audit: 60_000, 'unfinished-processes': 60_000 }, intervalMs: 2_000, batchSize: 2 };
    expect(retentionProblems(fast, { webhookRetryForMs: 30_000 })).toEqual([]);
  });

  it.each<[string, (s: RetentionSettings) => void, RegExp]>([
    ['a zero period', (s) => void (s.periods.audit = 0), /^RETENTION_AUDIT must be a positive duration$/],
    ['a period beyond a century', (s) => void (s.periods['provider-events'] = 36_501 * DAY), /^RETENTION_PROVIDER_EVENTS must be at most 36500d$/],
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

describe('personalDataKeptUntil (the right of access)', () => {
  const ended = new Date('2026-09-01T00:00:00.000Z');
  it.each([
    ['a failed verification', { status: 'failed', completedAt: ended, erased: false }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['an expired one', { status: 'expired', completedAt: ended, erased: false }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['a revoked change', { status: 'revoked', completedAt: ended, erased: false }, '2026-11-30T00:00:00.000Z', /RETENTION_UNFINISHED/],
    ['a verified subject', { status: 'verified', completedAt: ended, erased: false }, null, /while the account is verified/],
    ['a completed change', { status: 'completed', completedAt: ended, erased: false }, null, /while the account is verified/],
    ['a running process', { status: 'in_progress', completedAt: null, erased: false }, null, /while the process runs/],
    ['an erased one', { status: 'failed', completedAt: ended, erased: true }, null, /^erased$/],
  ])('%s', (_name, process, keptUntil, retention) => {
    const kept = personalDataKeptUntil(process, 90 * DAY);
    expect(kept.keptUntil?.toISOString() ?? null).toBe(keptUntil);
    expect(kept.retention).toMatch(retention);
  });
});
