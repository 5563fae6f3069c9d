import { normalizeIdNumber } from './id-number';

/**
 * NFC so that a precomposed and a decomposed character compare equal;
 * whitespace runs (incl. the full-width U+3000) collapse to one ASCII space.
 */
export function normalizeName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** Code points, not UTF-16 units: a rare CJK character outside the BMP counts once. */
export function nameLength(raw: string): number {
  return Array.from(normalizeName(raw)).length;
}

export function sameIndividual(
  a: { realName: string; idNumber: string },
  b: { realName: string; idNumber: string },
): boolean {
  return (
    normalizeName(a.realName) === normalizeName(b.realName) &&
    normalizeIdNumber(a.idNumber) === normalizeIdNumber(b.idNumber)
  );
}
