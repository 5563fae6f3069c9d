import { describe, it, expect } from 'vitest';
import { ageOn, isAdult } from '../../domain/age';

describe('ageOn (China Standard Time, UTC+8)', () => {
  it.each([
    // 17 years and 364 days: the last instant before the 18th birthday in China
    ['2007-06-15', '2025-06-14T23:59:59.999+08:00', 17],
    // birthday in China while it is still 14 June in UTC
    ['2007-06-15', '2025-06-14T16:00:00.000Z', 18],
    ['2007-06-15', '2025-06-14T15:59:59.999Z', 17],
    ['2007-06-15', '2025-06-15T00:00:00.000+08:00', 18],
    ['2007-06-15', '2025-06-15T23:59:59.999+08:00', 18],
    // the 19th birthday, too, starts at 16:00 UTC the day before
    ['2007-06-15', '2026-06-14T15:59:59.000Z', 18],
    ['2007-06-15', '2026-06-14T16:00:00.000Z', 19],
    // year boundary: 31 Dec 16:00 UTC is already 1 Jan in China
    ['2000-01-01', '2017-12-31T15:59:59.999Z', 17],
    ['2000-01-01', '2017-12-31T16:00:00.000Z', 18],
    ['1990-03-07', '2024-03-06T12:00:00+08:00', 33],
    ['1990-03-07', '2024-03-07T12:00:00+08:00', 34],
    ['1990-12-31', '2024-01-01T00:00:00+08:00', 33],
  ])('born %s, at %s → %i', (birthDate, at, expected) => {
    expect(ageOn(birthDate, new Date(at))).toBe(expected);
  });

  it.each([
    // non-leap year: a 29 Feb birthday is reached on 1 Mar
    ['2000-02-29', '2018-02-28T23:59:59+08:00', 17],
    ['2000-02-29', '2018-03-01T00:00:00+08:00', 18],
    ['2000-02-29', '2018-02-28T16:00:00Z', 18],
    // leap year: reached on 29 Feb itself
    ['2004-02-29', '2024-02-28T23:59:59+08:00', 19],
    ['2004-02-29', '2024-02-29T00:00:00+08:00', 20],
    // born 28 Feb / 1 Mar around a leap day
    ['2006-02-28', '2024-02-28T00:00:00+08:00', 18],
    ['2006-03-01', '2024-02-29T12:00:00+08:00', 17],
    ['2006-03-01', '2024-03-01T00:00:00+08:00', 18],
  ])('29 Feb edge: born %s, at %s → %i', (birthDate, at, expected) => {
    expect(ageOn(birthDate, new Date(at))).toBe(expected);
  });

  it.each([
    ['born the same day', '2025-06-15', '2025-06-15T12:00:00+08:00', 0],
    ['born tomorrow in China', '2025-06-16', '2025-06-15T12:00:00+08:00', -1],
    ['born years ahead', '2030-01-01', '2025-06-15T12:00:00+08:00', -5],
  ])('%s gives a non-positive age', (_label, birthDate, at, expected) => {
    expect(ageOn(birthDate, new Date(at))).toBe(expected);
  });

  it.each([['2001-02-29'], ['1990-04-31'], ['1990-4-1'], ['19900401'], [''], ['1990-13-01']])(
    'rejects the malformed birth date %j',
    (birthDate) => {
      expect(() => ageOn(birthDate, new Date('2025-01-01T00:00:00Z'))).toThrow(/birth date/);
    },
  );

  it('rejects an invalid instant', () => {
    expect(() => ageOn('2000-01-01', new Date(Number.NaN))).toThrow();
  });
});

describe('isAdult', () => {
  it.each([
    ['2007-06-15', '2025-06-14T15:59:59.999Z', false],
    ['2007-06-15', '2025-06-14T16:00:00.000Z', true],
    ['2000-02-29', '2018-02-28T12:00:00+08:00', false],
    ['2000-02-29', '2018-03-01T12:00:00+08:00', true],
    ['1949-12-31', '2025-01-01T00:00:00Z', true],
    ['2099-12-31', '2025-01-01T00:00:00Z', false],
    ['2025-01-01', '2025-01-01T00:00:00Z', false],
  ])('born %s, at %s → %s', (birthDate, at, expected) => {
    expect(isAdult(birthDate, new Date(at))).toBe(expected);
  });
});
