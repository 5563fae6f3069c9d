// Calendar dates as plain {year, month, day}: no Date arithmetic, so no host
// timezone can leak in (workflow code must be deterministic).

export interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number;
}

// Mainland China has used a fixed UTC+8 with no DST since 1991.
export const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` that names a real calendar date, else null. */
export function parseIsoDate(text: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isValidCalendarDate(year, month, day) ? { year, month, day } : null;
}

/** The calendar date a wall clock in China shows at the instant `at`. */
export function chinaDateAt(at: Date): CalendarDate {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new Error('Invalid Date');
  const shifted = new Date(ms + CHINA_UTC_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

/**
 * The instant as a wall clock in China reads it, to the minute: `2026-12-09 18:00`.
 * Seconds are dropped, never rounded up: the time shown is never past the instant.
 */
export function chinaWallClock(at: Date): string {
  const shifted = new Date(at.getTime() + CHINA_UTC_OFFSET_MS);
  const hhmm = `${String(shifted.getUTCHours()).padStart(2, '0')}:${String(shifted.getUTCMinutes()).padStart(2, '0')}`;
  return `${formatIsoDate(chinaDateAt(at))} ${hhmm}`;
}

/** A deadline as messages to applicants write it: `2026-12-09 18:00 (北京时间)`. */
export const beijingTime = (at: Date): string => `${chinaWallClock(at)} (北京时间)`;
