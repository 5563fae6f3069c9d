import type { Change } from '../../../../contracts/change';
import type { PhoneRecord } from '../sandbox/known';

/**
 * Who is who in a change, as typed into this tab's forms (memory only, like the sandbox phone's record): the person
 * each QR belongs to — the current holder (or the legal person before an entity change), the new person (or the new
 * legal representative), the new enterprise (its legal person, paying account or corporate account, as an enterprise
 * verification's phone plays them) — and the new enterprise as declared, to pre-fill the new subject's form after the
 * review. After a reload the phone and that form ask again.
 */
export interface ChangePeople {
  holder?: PhoneRecord;
  newPerson?: PhoneRecord;
  newSubject?: PhoneRecord;
  newEnterprise?: { name: string; creditCode: string; region: string; detail: string };
}

const people = new Map<string, ChangePeople>();

export function rememberPeople(changeId: string, known: ChangePeople): void {
  people.set(changeId, { ...people.get(changeId), ...known });
}

export function peopleOf(changeId: string): ChangePeople {
  return people.get(changeId) ?? {};
}

/** The person whose QR the change shows at its step (every field set, so the previous step's person is not kept). */
export function phonePersonAt(change: Pick<Change, 'id' | 'step'>): PhoneRecord | undefined {
  const known = peopleOf(change.id);
  const person =
    change.step === 'awaiting_holder_face' || change.step === 'awaiting_holder_scan'
      ? known.holder
      : change.step === 'awaiting_new_person_face' || change.step === 'awaiting_new_person_scan'
        ? known.newPerson
        : change.step === 'verifying_new_subject'
          ? known.newSubject
          : undefined;
  return person && { realName: '', idNumber: '', idType: 'mainland_id', enterpriseName: '', ...person };
}
