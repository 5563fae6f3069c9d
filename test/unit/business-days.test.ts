import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  businessDaysLeft,
  addBusinessDays,
  businessDaysBetween,
  CALENDAR_KNOWN_THROUGH_YEAR,
  isBusinessDay,
} from '../../domain/business-days';

// The package itself, loaded with the process in UTC (where its own functions
// are right) to cross-check the domain module against it.
let chineseDays: typeof import('chinese-days');
const hostTz = process.env.TZ;

function setTz(tz: string | undefined): void {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
}

beforeAll(async () => {
  setTz('UTC');
  chineseDays = await import('chinese-days');
});

afterAll(() => {
  setTz(hostTz);
});

const at = (iso: string) => new Date(iso);
const DAY_MS = 24 * 60 * 60 * 1000;

describe('isBusinessDay', () => {
  it.each([
    // plain weeks
    ['2026-03-06', 'Friday', true],
    ['2026-03-07', 'Saturday', false],
    ['2026-03-08', 'Sunday', false],
    ['2026-03-09', 'Monday', true],
    // New Year 2026: 1-3 January off, Sunday 4 January worked
    ['2026-01-01', 'New Year (Thursday)', false],
    ['2026-01-02', 'New Year (Friday)', false],
    ['2026-01-04', 'adjusted working Sunday', true],
    // Spring Festival 2026: 15-23 February off; Saturdays 14 and 28 February worked
    ['2026-02-13', 'Friday before Spring Festival', true],
    ['2026-02-14', 'adjusted working Saturday', true],
    ['2026-02-15', 'Spring Festival (Sunday)', false],
    ['2026-02-17', 'Spring Festival day 1 (Tuesday)', false],
    ['2026-02-20', 'Spring Festival (Friday)', false],
    ['2026-02-23', 'Spring Festival, last day (Monday)', false],
    ['2026-02-24', 'first working day after', true],
    ['2026-02-28', 'adjusted working Saturday', true],
    ['2026-03-01', 'Sunday after', false],
    // Mid-Autumn 2026: 25-27 September
    ['2026-09-25', 'Mid-Autumn (Friday)', false],
    // National Day 2026: 1-7 October off; Sunday 20 September and Saturday 10 October worked
    ['2026-09-19', 'Saturday', false],
    ['2026-09-20', 'adjusted working Sunday', true],
    ['2026-09-30', 'Wednesday before National Day', true],
    ['2026-10-01', 'National Day (Thursday)', false],
    ['2026-10-02', 'National Day (Friday)', false],
    ['2026-10-05', 'National Day (Monday)', false],
    ['2026-10-07', 'National Day, last day (Wednesday)', false],
    ['2026-10-08', 'Thursday after', true],
    ['2026-10-09', 'Friday after', true],
    ['2026-10-10', 'adjusted working Saturday', true],
    ['2026-10-11', 'Sunday', false],
    ['2026-10-12', 'Monday', true],
    // leap days
    ['2024-02-29', 'leap day (Thursday)', true],
    ['2028-02-29', 'leap day (Tuesday), beyond the data', true],
    // outside the package's data (2004 to CALENDAR_KNOWN_THROUGH_YEAR): weekends only
    ['2100-01-01', 'Friday, no holiday data', true],
    ['2100-01-02', 'Saturday, no holiday data', false],
    ['2003-10-01', 'Wednesday, before the data', true],
  ])('%s (%s) → %s', (date, _label, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  it.each([['2026-02-30'], ['2026-13-01'], ['2026-10-1'], ['20261001'], [' 2026-10-01'], ['2026-10-01T00:00:00Z'], ['']])(
    'throws on %j',
    (date) => {
      expect(() => isBusinessDay(date)).toThrow(/YYYY-MM-DD/);
    },
  );

  it('agrees with the package on every day from 2004 through CALENDAR_KNOWN_THROUGH_YEAR', () => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(2004, 0, 1); t <= Date.UTC(CALENDAR_KNOWN_THROUGH_YEAR, 11, 31); t += DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (isBusinessDay(date) !== chineseDays.isWorkday(date)) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });

  it('does not depend on the host time zone (the package does, west of UTC)', () => {
    try {
      setTz('America/New_York');
      expect(isBusinessDay('2026-10-12')).toBe(true);
      expect(isBusinessDay('2026-10-11')).toBe(false);
      // Why the domain module reads the data, not isWorkday: there the string is
      // parsed as UTC midnight and read back in local time, i.e. Sunday the 11th.
      expect(chineseDays.isWorkday('2026-10-12')).toBe(false);
      expect(addBusinessDays(at('2026-10-09T02:00:00Z'), 1).toISOString()).toBe('2026-10-10T16:00:00.000Z');
    } finally {
      setTz('UTC');
    }
  });
});

describe('CALENDAR_KNOWN_THROUGH_YEAR', () => {
  it('is the last year the package lists public holidays for', () => {
    expect(CALENDAR_KNOWN_THROUGH_YEAR).toBeGreaterThanOrEqual(2026);
    const y = CALENDAR_KNOWN_THROUGH_YEAR;
    expect(chineseDays.getHolidaysInRange(`${y}-01-01`, `${y}-12-31`, false)).not.toEqual([]);
    expect(chineseDays.getHolidaysInRange(`${y + 1}-01-01`, `${y + 1}-12-31`, false)).toEqual([]);
  });
});

describe('addBusinessDays', () => {
  it.each([
    // across National Day 2026 (1-7 October off)
    ['Wednesday 30 Sep 10:00 China', '2026-09-30T02:00:00Z', 1, '2026-10-08T16:00:00.000Z'],
    ['30 Sep 23:59:59.999 China', '2026-09-30T15:59:59.999Z', 1, '2026-10-08T16:00:00.000Z'],
    ['already 1 Oct 00:00 China', '2026-09-30T16:00:00Z', 1, '2026-10-08T16:00:00.000Z'],
    ['already 1 Oct 01:00 China', '2026-09-30T17:00:00Z', 1, '2026-10-08T16:00:00.000Z'],
    ['Tuesday 29 Sep 23:00 China', '2026-09-29T15:00:00Z', 1, '2026-09-30T16:00:00.000Z'],
    ['already Wednesday 30 Sep 01:00 China', '2026-09-29T17:00:00Z', 1, '2026-10-08T16:00:00.000Z'],
    ['Tuesday 29 Sep, 2 days', '2026-09-29T02:00:00Z', 2, '2026-10-08T16:00:00.000Z'],
    ['a holiday (3 Oct), 2 days', '2026-10-03T02:00:00Z', 2, '2026-10-09T16:00:00.000Z'],
    ['last holiday 7 Oct 23:59:59.999 China', '2026-10-07T15:59:59.999Z', 1, '2026-10-08T16:00:00.000Z'],
    ['8 Oct 00:00 China', '2026-10-07T16:00:00Z', 1, '2026-10-09T16:00:00.000Z'],
    // from a plain Friday
    ['Friday 6 Mar, 1 day', '2026-03-06T02:00:00Z', 1, '2026-03-09T16:00:00.000Z'],
    ['Friday 6 Mar, 2 days', '2026-03-06T02:00:00Z', 2, '2026-03-10T16:00:00.000Z'],
    ['Friday 6 Mar, 3 days', '2026-03-06T02:00:00Z', 3, '2026-03-11T16:00:00.000Z'],
    ['Friday 6 Mar, 5 days', '2026-03-06T02:00:00Z', 5, '2026-03-13T16:00:00.000Z'],
    ['Friday 6 Mar, 6 days', '2026-03-06T02:00:00Z', 6, '2026-03-16T16:00:00.000Z'],
    ['Saturday 7 Mar, 1 day', '2026-03-07T02:00:00Z', 1, '2026-03-09T16:00:00.000Z'],
    ['Sunday 8 Mar 23:59 China', '2026-03-08T15:59:00Z', 1, '2026-03-09T16:00:00.000Z'],
    ['Monday 9 Mar 00:00 China', '2026-03-08T16:00:00Z', 1, '2026-03-10T16:00:00.000Z'],
    // from a Friday before an adjusted working Saturday
    ['Friday 9 Oct, 1 day', '2026-10-09T02:00:00Z', 1, '2026-10-10T16:00:00.000Z'],
    ['Friday 9 Oct, 2 days', '2026-10-09T02:00:00Z', 2, '2026-10-12T16:00:00.000Z'],
    ['Friday 9 Oct, 3 days', '2026-10-09T02:00:00Z', 3, '2026-10-13T16:00:00.000Z'],
    // Spring Festival 2026
    ['Friday 13 Feb, 1 day', '2026-02-13T02:00:00Z', 1, '2026-02-14T16:00:00.000Z'],
    ['Friday 13 Feb, 2 days', '2026-02-13T02:00:00Z', 2, '2026-02-24T16:00:00.000Z'],
    ['Friday 13 Feb, 3 days', '2026-02-13T02:00:00Z', 3, '2026-02-25T16:00:00.000Z'],
    ['Friday 13 Feb, 7 days (recharge/registry advice)', '2026-02-13T02:00:00Z', 7, '2026-03-02T16:00:00.000Z'],
    // month and year ends
    ['Friday 27 Feb, 1 day (adjusted Saturday 28 Feb)', '2026-02-27T02:00:00Z', 1, '2026-02-28T16:00:00.000Z'],
    ['Wednesday 31 Dec 2025, 1 day (New Year 2026 off)', '2025-12-31T02:00:00Z', 1, '2026-01-04T16:00:00.000Z'],
    ['leap year: Wednesday 28 Feb 2024', '2024-02-28T02:00:00Z', 1, '2024-02-29T16:00:00.000Z'],
  ])('%s: %s + %i → %s', (_label, from, days, expected) => {
    expect(addBusinessDays(at(from), days).toISOString()).toBe(expected);
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('throws on %d days', (days) => {
    expect(() => addBusinessDays(at('2026-03-06T02:00:00Z'), days)).toThrow(RangeError);
  });

  it('throws on an Invalid Date', () => {
    expect(() => addBusinessDays(new Date(Number.NaN), 1)).toThrow(/Invalid Date/);
  });

  it('does not modify its argument', () => {
    const from = at('2026-03-06T02:00:00Z');
    addBusinessDays(from, 3);
    expect(from.toISOString()).toBe('2026-03-06T02:00:00.000Z');
  });

  it('always ends on a business day at China midnight, N business days later', () => {
    for (let t = Date.UTC(2025, 11, 1); t < Date.UTC(2027, 0, 1); t += 7 * 60 * 60 * 1000) {
      const from = new Date(t);
      for (const days of [1, 2, 3, 7]) {
        const due = addBusinessDays(from, days);
        expect(due.getTime() % DAY_MS).toBe(16 * 60 * 60 * 1000);
        const lastDay = new Date(due.getTime() - 1);
        // due − 1 ms is 15:59:59.999 UTC, whose UTC date is the China date of the last day
        expect(isBusinessDay(lastDay.toISOString().slice(0, 10))).toBe(true);
        expect(businessDaysBetween(from, lastDay)).toBe(days);
      }
    }
  });
});

describe('businessDaysBetween', () => {
  it.each([
    ['to before from', '2026-03-10T02:00:00Z', '2026-03-09T02:00:00Z', 0],
    ['same instant', '2026-03-09T02:00:00Z', '2026-03-09T02:00:00Z', 0],
    ['same China day', '2026-03-09T00:00:00Z', '2026-03-09T15:59:59.999Z', 0],
    ['1 ms across midnight into a Monday', '2026-03-08T15:59:59.999Z', '2026-03-08T16:00:00Z', 1],
    ['1 ms across midnight into a Saturday', '2026-03-06T15:59:59.999Z', '2026-03-06T16:00:00Z', 0],
    ['Friday to Monday', '2026-03-06T02:00:00Z', '2026-03-09T01:00:00Z', 1],
    ['Friday to next Friday', '2026-03-06T02:00:00Z', '2026-03-13T02:00:00Z', 5],
    ['Tuesday 29 Sep to Wednesday 30 Sep 23:00 China', '2026-09-29T02:00:00Z', '2026-09-30T15:00:00Z', 1],
    ['30 Sep to 1 Oct 01:00 China (a holiday)', '2026-09-30T02:00:00Z', '2026-09-30T17:00:00Z', 0],
    ['30 Sep to 7 Oct', '2026-09-30T02:00:00Z', '2026-10-07T02:00:00Z', 0],
    ['30 Sep to 8 Oct', '2026-09-30T02:00:00Z', '2026-10-08T02:00:00Z', 1],
    ['30 Sep to Saturday 10 Oct (worked)', '2026-09-30T02:00:00Z', '2026-10-10T02:00:00Z', 3],
    ['30 Sep to Sunday 11 Oct', '2026-09-30T02:00:00Z', '2026-10-11T02:00:00Z', 3],
    ['30 Sep to Monday 12 Oct', '2026-09-30T02:00:00Z', '2026-10-12T02:00:00Z', 4],
    ['Spring Festival: 13 Feb to 24 Feb', '2026-02-13T02:00:00Z', '2026-02-24T02:00:00Z', 2],
    ['the whole of 2026', '2025-12-31T04:00:00Z', '2026-12-31T04:00:00Z', 248],
  ])('%s → %i', (_label, from, to, expected) => {
    expect(businessDaysBetween(at(from), at(to))).toBe(expected);
  });

  it('counts the same working days as the package for 2026', () => {
    expect(chineseDays.getWorkdaysInRange('2026-01-01', '2026-12-31')).toHaveLength(248);
  });

  it('throws on an Invalid Date', () => {
    expect(() => businessDaysBetween(new Date(Number.NaN), at('2026-03-09T02:00:00Z'))).toThrow(/Invalid Date/);
    expect(() => businessDaysBetween(at('2026-03-09T02:00:00Z'), new Date(Number.NaN))).toThrow(/Invalid Date/);
  });
});

describe('calendar overrides (holidays announced before the package carries them)', () => {
  it('skips an added holiday and works an added adjusted working day', () => {
    // Thursday 2027-01-07 06:00 China time; Friday 8 January is declared a holiday.
    const at = new Date('2027-01-06T22:00:00Z');
    expect(addBusinessDays(at, 1).toISOString()).toBe('2027-01-08T16:00:00.000Z');
    expect(addBusinessDays(at, 1, { holidays: ['2027-01-08'] }).toISOString()).toBe('2027-01-11T16:00:00.000Z');
    expect(addBusinessDays(at, 1, { holidays: ['2027-01-08'], workdays: ['2027-01-09'] }).toISOString()).toBe('2027-01-09T16:00:00.000Z');
  });
});

describe('businessDaysLeft', () => {
  // A review opened Monday 2026-12-07 10:00 China time, due within 2 business days: the end of Wednesday the 9th.
  const due = addBusinessDays(new Date('2026-12-07T02:00:00Z'), 2);
  it.each([
    ['the day it opened', '2026-12-07T02:00:00Z', 2],
    ['the next day', '2026-12-08T02:00:00Z', 1],
    ['the due date', '2026-12-09T15:59:59Z', 0],
    ['the first instant past due', '2026-12-09T16:00:00Z', -1],
    ['the next business day', '2026-12-10T04:00:00Z', -1],
    ['a week later, over a weekend', '2026-12-16T04:00:00Z', -5],
  ])('%s → %i', (_, now, expected) => {
    expect(businessDaysLeft(new Date(now), due)).toBe(expected);
  });

  it('counts over a holiday as the calendar does', () => {
    // Opened on the Friday before National Day 2026 (1-7 October off, Saturday 10 October a working day).
    const dueAfterHoliday = addBusinessDays(new Date('2026-09-30T02:00:00Z'), 2);
    expect(businessDaysLeft(new Date('2026-09-30T02:00:00Z'), dueAfterHoliday)).toBe(2);
    expect(businessDaysLeft(new Date('2026-10-03T02:00:00Z'), dueAfterHoliday)).toBe(2);
  });
});
