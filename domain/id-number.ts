import { formatIsoDate, isValidCalendarDate } from './calendar-date';
import { IdType, isIdType } from './constants';

/** Trim, drop any whitespace inside (people type IDs in groups), uppercase. */
export function normalizeIdNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

const MAINLAND_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const MAINLAND_CHECK_CHARS = '10X98765432';

/** GB 11643 check character for the first 17 digits of a mainland ID. */
export function mainlandIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new Error('mainlandIdCheckChar expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17[i]) * (MAINLAND_WEIGHTS[i] ?? 0);
  }
  return MAINLAND_CHECK_CHARS.charAt(sum % 11);
}

export type MainlandIdParse =
  | { ok: true; normalized: string; birthDate: string }
  | { ok: false; problem: 'format' | 'checksum' | 'birth_date' };

// The checksum is tested before the birth date: a mistyped digit anywhere,
// including in the date, is most usefully reported as a checksum error.
export function parseMainlandId(raw: string): MainlandIdParse {
  const normalized = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(normalized)) return { ok: false, problem: 'format' };
  if (mainlandIdCheckChar(normalized.slice(0, 17)) !== normalized.charAt(17)) {
    return { ok: false, problem: 'checksum' };
  }
  const year = Number(normalized.slice(6, 10));
  const month = Number(normalized.slice(10, 12));
  const day = Number(normalized.slice(12, 14));
  if (year < 1900 || !isValidCalendarDate(year, month, day)) {
    return { ok: false, problem: 'birth_date' };
  }
  return { ok: true, normalized, birthDate: formatIsoDate({ year, month, day }) };
}

export function isHkMacaoPermit(raw: string): boolean {
  return /^[HM](?:\d{8}|\d{10})$/.test(normalizeIdNumber(raw));
}

export function isTaiwanPermit(raw: string): boolean {
  return /^(?:\d{8}|\d{10})$/.test(normalizeIdNumber(raw));
}

export type IndividualIdClassification =
  | { kind: 'valid'; idType: IdType; normalized: string; birthDate?: string }
  | { kind: 'invalid' }
  | { kind: 'international' };

/**
 * Any ID type other than the three mainland-site documents (passport, foreign
 * ID, ...) belongs to the international site, whatever the number looks like.
 * Permits carry no birth date; theirs comes from the identity provider.
 */
export function classifyIndividualId(idType: string, idNumber: string): IndividualIdClassification {
  if (!isIdType(idType)) return { kind: 'international' };
  switch (idType) {
    case IdType.mainland_id: {
      const parsed = parseMainlandId(idNumber);
      return parsed.ok
        ? { kind: 'valid', idType, normalized: parsed.normalized, birthDate: parsed.birthDate }
        : { kind: 'invalid' };
    }
    case IdType.hk_macao_permit:
      return isHkMacaoPermit(idNumber)
        ? { kind: 'valid', idType, normalized: normalizeIdNumber(idNumber) }
        : { kind: 'invalid' };
    case IdType.taiwan_permit:
      return isTaiwanPermit(idNumber)
        ? { kind: 'valid', idType, normalized: normalizeIdNumber(idNumber) }
        : { kind: 'invalid' };
  }
}
