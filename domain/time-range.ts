/**
 * A report's time range [from, to): both given, from before to, and at most
 * MAX_RANGE_DAYS long, so one request reads a bounded slice of the store (an
 * auditor exports a year as twelve months, or one year at a time).
 */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 24 * 3600 * 1000;

export interface RangeError {
  path: 'from' | 'to';
  message: string;
}

/** What is wrong with the range (nothing: a usable range). */
export function timeRangeErrors(from: Date, to: Date, maxDays = MAX_RANGE_DAYS): RangeError[] {
  const span = to.getTime() - from.getTime();
  if (span <= 0) return [{ path: 'to', message: 'must be after from' }];
  if (span > maxDays * DAY_MS) return [{ path: 'to', message: `at most ${maxDays} days after from` }];
  return [];
}
