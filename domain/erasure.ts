import { ERASED } from './sealed-value';

/**
 * What account closure (SPEC §11) leaves of the personal values a row still
 * holds outside a per-process seal: status, method, times, and placeholders.
 */

/** Keys whose string values are a person's data wherever they sit in a subject, request or applicant (names, numbers, dates, addresses). */
const PERSONAL_KEYS = new Set([
  'realName',
  'name',
  'idNumber',
  'birthDate',
  'mobile',
  'email',
  'accountNumber',
  'accountName',
  'region',
  'detail',
  'filingEntityName',
]);

/** A copy of `value` with every personal string replaced by `[erased]`; other fields (types, methods, codes of the process) kept, so views still render. */
export function erasePersonalFields<T>(value: T): T {
  return scrub(value, false) as T;
}

function scrub(value: unknown, personal: boolean): unknown {
  if (typeof value === 'string') return personal ? ERASED : value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, personal));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner, personal || PERSONAL_KEYS.has(key))]));
  }
  return value;
}

export type ClosureRefusal = 'ACCOUNT_CLOSED' | 'PROCESS_ALREADY_OPEN' | 'MONEY_UNSETTLED';

/**
 * Why an account may not close now, in the order API.md answers them, or
 * null: a verification or change is open; money of the account is held, on
 * its way back or refused by the bank (owed to someone), or its balance is not zero.
 */
export function closureRefusal(account: { openProcess: boolean; unsettledTransfers: number; balanceFen: number }): Exclude<ClosureRefusal, 'ACCOUNT_CLOSED'> | null {
  if (account.openProcess) return 'PROCESS_ALREADY_OPEN';
  if (account.unsettledTransfers > 0 || account.balanceFen !== 0) return 'MONEY_UNSETTLED';
  return null;
}

/** The personal strings a value holds under personal keys (names, numbers…), unmasked and not yet erased: what to look for in free text. */
export function personalStrings(value: unknown, found = new Set<string>(), personal = false): Set<string> {
  if (typeof value === 'string') {
    if (personal && value.length >= 2 && value !== ERASED && !value.includes('*')) found.add(value);
  } else if (Array.isArray(value)) for (const item of value) personalStrings(item, found, personal);
  else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) personalStrings(inner, found, personal || PERSONAL_KEYS.has(key));
  return found;
}
