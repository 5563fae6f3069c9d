import { describe, it, expect } from 'vitest';
import { formatDuration, parseDuration } from '../../domain/duration';

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
