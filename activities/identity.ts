import type { FailureReason } from '../domain/constants';
import { sameIndividual } from '../domain/identity-match';
import { evaluateRealNameRecord, type Applicant, type RealNameRecord } from '../domain/real-name-record';
import { isSealed, openAll } from '../domain/sealed-value';

export { openAll };

/**
 * The comparisons of personal values (SPEC §11): a workflow carries the
 * applicant's and the provider record's personal fields sealed under the
 * process's data key, so it never compares them itself; it asks here, where
 * they are opened, and gets a verdict that holds no personal data. A workflow
 * whose history therefore never branches on plaintext replays unchanged after
 * its key is destroyed. Plaintext (runs started before sealing) opens as itself.
 */

/** A stored sealed value of either kind: under its process's key (pd1.…), or, in rows from before, the PII key (v1.…). */
export const openEither = (value: string, deps: { keys: { open(sealed: string): Promise<string> }; cipher: { decrypt(sealed: string): string } }): Promise<string> =>
  isSealed(value) ? deps.keys.open(value) : Promise.resolve(deps.cipher.decrypt(value));

type Person = { realName: string; idNumber: string; idType?: string };

export function createIdentityActivities(deps: { open: (sealed: string) => Promise<string> }) {
  return {
    /** SPEC §3: the provider's record names the applicant, an adult, with a bank card where the method needs one. Null: it verifies. */
    async judgeRealNameRecord(args: { applicant: Applicant; record: RealNameRecord; at: string; bankCardRequired: boolean }): Promise<FailureReason | null> {
      const [applicant, record] = await Promise.all([openAll(args.applicant, deps.open), openAll(args.record, deps.open)]);
      return evaluateRealNameRecord(applicant, record, new Date(args.at), { bankCardRequired: args.bankCardRequired });
    },

    /** The record is this person's own document: its type (when given), name and number. */
    async recordIsPerson(args: { person: Person; record: RealNameRecord }): Promise<boolean> {
      const [person, record] = await Promise.all([openAll(args.person, deps.open), openAll(args.record, deps.open)]);
      return (person.idType === undefined || record.idType === person.idType) && sameIndividual(person, record);
    },
  };
}
