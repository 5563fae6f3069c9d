/**
 * Comparing a person's values with a provider's record (SPEC §3, §11). Runs
 * started since personal values are sealed carry them sealed under the
 * process's data key: the workflow cannot, and must not, compare them itself,
 * so it asks an activity that opens them and answers a verdict without personal
 * data. Its history then never depends on plaintext, and replays unchanged
 * after the key is destroyed. Histories recorded before keep their comparison
 * in the workflow (`patched`).
 */
import { patched } from '@temporalio/workflow';
import type { FailureReason } from '../../domain/constants';
import { sameIndividual } from '../../domain/identity-match';
import { iso } from '../../domain/instant';
import { evaluateRealNameRecord, type Applicant, type RealNameRecord } from '../../domain/real-name-record';
import { databaseWrites } from './activities';

export const COMPARED_IN_ACTIVITIES = 'personal-values-compared-in-activities';

const checks = databaseWrites<'judgeRealNameRecord' | 'recordIsPerson'>();

/** SPEC §3: the record names the applicant, an adult, with a bank card where required. Null: it verifies. */
export async function judgeRecord(applicant: Applicant, record: RealNameRecord, options: { bankCardRequired: boolean }): Promise<FailureReason | null> {
  const person = { realName: applicant.realName, idType: applicant.idType, idNumber: applicant.idNumber, ...(applicant.birthDate ? { birthDate: applicant.birthDate } : {}) };
  if (patched(COMPARED_IN_ACTIVITIES)) return checks.judgeRealNameRecord({ applicant: person, record, at: iso(Date.now()), ...options });
  return evaluateRealNameRecord(person, record, new Date(Date.now()), options);
}

/** The record is this person's own document: its type (when given), name and number. */
export async function recordIsPerson(person: { realName: string; idNumber: string; idType?: string }, record: RealNameRecord): Promise<boolean> {
  const who = { realName: person.realName, idNumber: person.idNumber, ...(person.idType ? { idType: person.idType } : {}) };
  if (patched(COMPARED_IN_ACTIVITIES)) return checks.recordIsPerson({ person: who, record });
  return (person.idType === undefined || record.idType === person.idType) && sameIndividual(person, record);
}

export const LEGAL_PERSON_BANK_CARD = 'legal-person-bank-card';

/**
 * SPEC §4: the legal person's WeChat must have a linked bank card (微信需绑定银行卡), for the legal-person WeChat
 * method and a legal-representative update by WeChat alike. Whether the card is linked is no personal value: the
 * workflow reads it itself. Runs that took a scan without a card before this rule keep their outcome (`patched`).
 */
export const bankCardMissing = (record: RealNameRecord): boolean => !record.bankCardLinked && patched(LEGAL_PERSON_BANK_CARD);
