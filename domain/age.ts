import { chinaDateAt, parseIsoDate } from './calendar-date';
import { ADULT_AGE } from './constants';

/**
 * Completed years on the China calendar date at `at`. Compared as (month, day)
 * pairs, so a 29 Feb birthday counts as passed on 1 Mar of a non-leap year.
 */
export function ageOn(birthDate: string, at: Date): number {
  const birth = parseIsoDate(birthDate);
  if (!birth) throw new Error(`Invalid birth date "${birthDate}", expected YYYY-MM-DD`);
  const today = chinaDateAt(at);
  const birthdayReached =
    today.month > birth.month || (today.month === birth.month && today.day >= birth.day);
  return today.year - birth.year - (birthdayReached ? 0 : 1);
}

export function isAdult(birthDate: string, at: Date): boolean {
  return ageOn(birthDate, at) >= ADULT_AGE;
}
