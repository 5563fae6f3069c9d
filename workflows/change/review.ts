/**
 * The review rounds of the reviewed changes (SPEC §5: enterprise entity
 * change, name change by materials) on the kernel's ReviewRound: materials
 * first, then a round due in 3 business days (never decided automatically,
 * but closing with the change at CHANGE_VALIDITY); a rejection sends the
 * change back for corrected materials and a new round. Materials are the
 * (re)submission. Deterministic code only.
 */
import { requiredMaterials, type ChangeStep } from '../../domain/change-rules';
import type { Ended } from '../kernel/outcome';
import type { Approval, ReviewProcess, ReviewRound } from '../kernel/review-round';
import type { ChangeMaterials, ChangeSnapshot } from '../change-messages';
import { database, notifications } from './activities';
import type { ChangeProcess } from './process';

export type ChangeReview = ReviewRound<ChangeSnapshot, ChangeStep, ChangeMaterials>;

/** A change's part of its review rounds: its review row (of the materials sent), its notices, its materials step. */
export function changeReview(c: ChangeProcess): ReviewProcess<ChangeSnapshot, ChangeStep, ChangeMaterials> {
  const { input } = c;
  const { changeId } = input;
  return {
    step: 'awaiting_review',
    dueInBusinessDays: 3,
    calendar: input.calendar,
    historyRolloverEvents: input.timings.historyRolloverEvents,
    // A review still open when the change expires closes with it (the run's close hook withdraws it).
    decideBy: c.deadline,
    submitsFirst: true,
    submitBy: () => c.deadline,
    openReview: (round, dueAt, materials = {}) =>
      database.openChangeReview({
        changeId,
        workflowId: c.workflowId,
        round,
        kind: input.request.type,
        dueAt,
        materials: Object.entries(materials).map(([purpose, uploadId]) => ({ purpose, uploadId })),
      }),
    notify: (event, round, reason) => notifications.notifyChange({ changeId, event, round, reason }),
    askForSubmission: async () => {
      await c.run.enter('awaiting_materials');
      c.shown();
    },
    rollOver: (resume) => c.rollOver(resume),
  };
}

/**
 * Materials and review rounds until approved; from then on the change can no
 * longer be revoked. The approval is answered by the caller once its next
 * step is written. A run continued as new starts at the decision's wait.
 */
export async function materialsAndReview(c: ChangeProcess, kind: 'enterprise_entity_change' | 'enterprise_name_change'): Promise<Approval | Ended> {
  if (!c.input.resume) c.required = requiredMaterials(kind);
  const review = await c.review.untilApproved(c.input.resume !== undefined);
  if (review.kind === 'approved') c.committed = true;
  return review;
}
