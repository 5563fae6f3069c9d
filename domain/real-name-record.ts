import { isAdult } from './age';
import type { FailureReason } from './constants';
import { parseIsoDate } from './calendar-date';
import { sameIndividual } from './identity-match';

export interface Applicant {
  realName: string;
  idType: string;
  idNumber: string;
  /** Known from a mainland ID number; permit holders' comes from the provider. */
  birthDate?: string | undefined;
}

/** What an identity provider returns: the WeChat Pay / QQ real-name record. */
export interface RealNameRecord {
  realName: string;
  idNumber: string;
  idType: string;
  birthDate: string | null;
  bankCardLinked: boolean;
}

/**
 * SPEC §3: the provider's record must name the applicant (same document type,
 * name and number), the person must be an adult on the day of verification,
 * and, where the method requires it, a bank card must be linked.
 * Returns the failure reason, or null when the record verifies the applicant.
 */
export function evaluateRealNameRecord(
  applicant: Applicant,
  record: RealNameRecord,
  at: Date,
  options: { bankCardRequired: boolean },
): FailureReason | null {
  if (record.idType !== applicant.idType || !sameIndividual(applicant, record)) return 'IDENTITY_MISMATCH';
  const birthDate = applicant.birthDate ?? record.birthDate;
  // A record that cannot prove the person's age does not verify them.
  if (!birthDate || !parseIsoDate(birthDate)) return 'IDENTITY_MISMATCH';
  if (!isAdult(birthDate, at)) return 'UNDERAGE';
  if (options.bankCardRequired && !record.bankCardLinked) return 'BANK_CARD_REQUIRED';
  return null;
}
