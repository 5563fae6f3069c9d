import type { Change } from '../../../../contracts/change';
import type { MessageKey } from '../catalogue';
import type { StepState } from '../ui/steps';

type Step = 'request' | 'holder' | 'formerLegalPerson' | 'newPerson' | 'newLegalPerson' | 'materials' | 'review' | 'newSubject' | 'done';

/** Each type's steps as the person lives them (SPEC §5), from filling in the request to the switch. */
const STEPS: Record<Change['type'], Step[]> = {
  individual_to_enterprise: ['request', 'holder', 'newSubject', 'done'],
  individual_to_individual: ['request', 'holder', 'newPerson', 'done'],
  enterprise_entity_change: ['request', 'formerLegalPerson', 'materials', 'review', 'newSubject', 'done'],
  enterprise_name_change: ['request', 'materials', 'review', 'done'],
  legal_representative_update: ['request', 'newLegalPerson', 'done'],
};

/** The API's step → the step bar's. */
const AT: Record<NonNullable<Change['step']>, Step[]> = {
  awaiting_holder_face: ['holder', 'formerLegalPerson'],
  awaiting_holder_scan: ['holder', 'formerLegalPerson'],
  awaiting_new_person_face: ['newPerson', 'newLegalPerson'],
  awaiting_new_person_scan: ['newPerson', 'newLegalPerson'],
  awaiting_materials: ['materials'],
  awaiting_review: ['review'],
  awaiting_new_subject: ['newSubject'],
  verifying_new_subject: ['newSubject'],
};

/** The step bar of a change of `type`: while requesting (no change yet), at the change's step, or done. */
export function changeSteps(type: Change['type'], change?: Pick<Change, 'status' | 'step'>): { label: MessageKey; state: StepState }[] {
  const steps = STEPS[type];
  const current = !change ? 0 : change.status === 'completed' ? steps.length : change.step ? steps.findIndex((s) => AT[change.step!].includes(s)) : -1;
  return steps.map((step, i) => ({
    label: `change.step.${step}` as MessageKey,
    state: i < current || current === steps.length ? 'done' : i === current ? 'current' : 'pending',
  }));
}
