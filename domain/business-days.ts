// Business days on the mainland China calendar: Monday to Friday, minus the
// public holidays, plus the adjusted working days (调休, usually a Saturday or
// Sunday next to a long holiday) that the State Council publishes each year.
//
// The holiday and adjusted-working-day tables come from the `chinese-days`
// package, but from its published data file rather than its functions:
// `isWorkday('2026-10-12')` parses the string as UTC midnight and then reads
// the weekday and the table key with local-time getters, so on any host west
// of UTC (America/*, for instance) it answers for the previous day (about a
// quarter of all days come out wrong). Workers in different time zones would
// then disagree, and a workflow replayed elsewhere would diverge. Everything
// here is integer day arithmetic on the China calendar date: no host time
// zone, no clock. test/unit/business-days.test.ts checks these answers against
// the package's own `isWorkday` for every day it knows.
//
// Dates outside the package's data (before 2004, after
// CALENDAR_KNOWN_THROUGH_YEAR) only skip weekends.

import calendarData from 'chinese-days/dist/chinese-days.json';
import { CHINA_UTC_OFFSET_MS, chinaDateAt, formatIsoDate, parseIsoDate, type CalendarDate } from './calendar-date';

const DAY_MS = 24 * 60 * 60 * 1000;

const HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(calendarData.holidays));
const ADJUSTED_WORKDAYS: ReadonlySet<string> = new Set(Object.keys(calendarData.workdays));

function yearsIn(dates: Iterable<string>): number[] {
  return Array.from(dates, (date) => Number(date.slice(0, 4)));
}

/**
 * The last year the package has public holidays for. Later dates only skip
 * weekends: callers computing deadlines in that range should warn (and the
 * package needs an update once the State Council publishes the next year).
 */
export const CALENDAR_KNOWN_THROUGH_YEAR: number = Math.max(...yearsIn(HOLIDAYS));
if (!Number.isInteger(CALENDAR_KNOWN_THROUGH_YEAR)) {
  throw new Error('chinese-days: no public holiday data found');
}

// Days since 1970-01-01 for a proleptic Gregorian date, and back
// (H. Hinnant's days_from_civil / civil_from_days): exact for any year,
// independent of Date and of the host time zone.
function dayNumber({ year, month, day }: CalendarDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function dateOfDayNumber(n: number): CalendarDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
function weekdayOfDayNumber(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/**
 * Days the operator adds to the package's tables (BUSINESS_CALENDAR_HOLIDAYS /
 * BUSINESS_CALENDAR_WORKDAYS): the State Council announces a year's holidays
 * before a package release carries them.
 */
export interface CalendarOverrides {
  holidays?: readonly string[];
  workdays?: readonly string[];
}

function isBusinessDayNumber(n: number, overrides?: CalendarOverrides): boolean {
  const iso = formatIsoDate(dateOfDayNumber(n));
  if (ADJUSTED_WORKDAYS.has(iso) || overrides?.workdays?.includes(iso)) return true;
  const weekday = weekdayOfDayNumber(n);
  return weekday >= 1 && weekday <= 5 && !HOLIDAYS.has(iso) && !overrides?.holidays?.includes(iso);
}

function chinaDayNumberAt(at: Date): number {
  return dayNumber(chinaDateAt(at));
}

/** Whether `YYYY-MM-DD` (a China calendar date) is a working day. Throws on anything else. */
export function isBusinessDay(isoDate: string): boolean {
  const date = parseIsoDate(isoDate);
  if (!date) throw new Error(`isBusinessDay expects a YYYY-MM-DD calendar date, got ${JSON.stringify(isoDate)}`);
  return isBusinessDayNumber(dayNumber(date));
}

/**
 * The deadline "within `days` business days" of the instant `at`: counting
 * from the China calendar date of `at` (which itself never counts), the
 * `days`-th business day after it, and the end of that day, i.e. the instant
 * of the following midnight in China (16:00 UTC of that date). A task is
 * overdue once the time reaches the returned instant.
 */
export function addBusinessDays(at: Date, days: number, overrides?: CalendarOverrides): Date {
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new RangeError(`addBusinessDays expects a positive integer number of days, got ${days}`);
  }
  let n = chinaDayNumberAt(at);
  let counted = 0;
  while (counted < days) {
    n += 1;
    if (isBusinessDayNumber(n, overrides)) counted += 1;
  }
  return new Date((n + 1) * DAY_MS - CHINA_UTC_OFFSET_MS);
}

/**
 * Business days strictly after the China date of `from`, up to and including
 * the China date of `to`; 0 when `to` is not after `from`. (The instant
 * addBusinessDays returns is already the next China day, so measure a
 * deadline with a comparison of instants, not with this count.)
 */
export function businessDaysBetween(from: Date, to: Date, overrides?: CalendarOverrides): number {
  const first = chinaDayNumberAt(from);
  const last = chinaDayNumberAt(to);
  if (!(to.getTime() > from.getTime())) return 0;
  let count = 0;
  for (let n = first + 1; n <= last; n++) {
    if (isBusinessDayNumber(n, overrides)) count += 1;
  }
  return count;
}

/**
 * Business days left until a due instant (as addBusinessDays returns it): 0 on
 * the due date itself, negative once overdue (-1 the first business day after,
 * at least -1 whenever it is past due).
 */
export function businessDaysLeft(now: Date, dueAt: Date, overrides?: CalendarOverrides): number {
  const dueDate = new Date(dueAt.getTime() - 1);
  if (now.getTime() < dueAt.getTime()) return businessDaysBetween(now, dueDate, overrides);
  return -Math.max(1, businessDaysBetween(dueDate, now, overrides));
}
