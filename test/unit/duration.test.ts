import { describe, it, expect } from 'vitest';
import { endOfSpan, formatDuration, parseDuration, parseSpan } from '../../domain/duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1ms', 1],
    ['30s', 30_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['30d', 2_592_000_000],
    ['90s', 90_000],
    ['010m', 600_000],
  ])('%s → %i ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    [''],
    ['10'],
    ['m'],
    ['0s'],
    ['0ms'],
    ['-5m'],
    ['+5m'],
    ['1.5h'],
    ['10w'],
    ['10y'],
    ['10M'],
    ['10H'],
    ['10min'],
    ['10sec'],
    ['10mm'],
    ['1e3ms'],
    ['10 m'],
    [' 10m'],
    ['10m '],
    ['1h30m'],
    ['0x10s'],
  ])('rejects %j with a message naming it', (text) => {
    expect(() => parseDuration(text)).toThrow(`Invalid duration "${text}"`);
  });

  it('rejects a duration beyond safe integer milliseconds', () => {
    expect(() => parseDuration('999999999999999d')).toThrow(/too large/);
  });
});

describe('formatDuration', () => {
  it.each([
    [600_000, '10m'],
    [86_400_000, '1d'],
    [604_800_000, '7d'],
    [129_600_000, '36h'],
    [90_000, '90s'],
    [1_500, '1500ms'],
    [60_001, '60001ms'],
    [3_600_000, '1h'],
    [0, '0ms'],
  ])('%i → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([
    ['10m', '10m'],
    ['7d', '7d'],
    ['500ms', '500ms'],
    ['36h', '36h'],
    ['24h', '1d'],
    ['60m', '1h'],
    ['1000ms', '1s'],
    ['120s', '2m'],
  ])('%s formats back as %s', (text, canonical) => {
    expect(formatDuration(parseDuration(text))).toBe(canonical);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects %d', (ms) => {
    expect(() => formatDuration(ms)).toThrow(/Cannot format duration/);
  });
});

describe('parseSpan', () => {
  it.each([
    ['10m', { ms: 600_000 }],
    ['24h', { ms: 86_400_000 }],
    ['7d', { ms: 604_800_000 }],
    ['500ms', { ms: 500 }],
    ['5bd', { businessDays: 5 }],
    ['1bd', { businessDays: 1 }],
    ['05bd', { businessDays: 5 }],
  ])('%s → %j', (text, expected) => {
    expect(parseSpan(text)).toEqual(expected);
  });

  it.each([[''], ['bd'], ['0bd'], ['-1bd'], ['1.5bd'], ['5BD'], ['5 bd'], ['5b'], ['5db'], ['10001bd'], ['10w'], ['0s'], ['5bdd']])('rejects %j with a message naming it', (text) => {
    expect(() => parseSpan(text)).toThrow(`Invalid duration "${text}"`);
  });

  it('still rejects a fixed length beyond safe integer milliseconds', () => {
    expect(() => parseSpan('999999999999999d')).toThrow(/too large/);
  });
});

describe('endOfSpan', () => {
  it.each([
    ['a fixed length', '2026-09-30T02:00:00Z', { ms: 600_000 }, '2026-09-30T02:10:00.000Z'],
    // The National Day week (1–7 October 2026) does not count; Saturday 10 October is an adjusted working day.
    ['5 business days across the National Day week', '2026-09-30T02:00:00Z', { businessDays: 5 }, '2026-10-13T16:00:00.000Z'],
    ['1 business day from a Friday', '2026-10-09T02:00:00Z', { businessDays: 1 }, '2026-10-10T16:00:00.000Z'],
  ])('%s', (_label, from, span, expected) => {
    expect(endOfSpan(new Date(from), span).toISOString()).toBe(expected);
  });

  it('counts the days the operator added to the calendar', () => {
    expect(endOfSpan(new Date('2026-10-12T02:00:00Z'), { businessDays: 1 }, { holidays: ['2026-10-13'] }).toISOString()).toBe('2026-10-14T16:00:00.000Z');
  });
});
