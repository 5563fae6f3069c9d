/**
 * The steps changes of subject are made of (SPEC §5): a person's face or
 * WeChat step, materials with review rounds, the new subject sent after
 * approval, and the new subject's verification run as a child workflow of the
 * verification workflows themselves.
 */
import { condition, ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { addBusinessDays } from '../../domain/business-days';
import { requiredMaterials, type ChangeStep } from '../../domain/change-rules';
import type { FailureReason } from '../../domain/constants';
import { sameIndividual } from '../../domain/identity-match';
import { iso } from '../../domain/instant';
import { database, notifications } from '../kernel/activities';
import { awaitQrEvent, QrSession } from '../kernel/qr';
import type { Pending } from '../kernel/requests';
import { bestEffort, CANCELLED, ended, EXPIRED, failed, type Ended, type Outcome } from '../kernel/run';
import { wait } from '../kernel/wait';
import type { ChangeProcess, NewSubjectRun } from './process';
import type { ChangeSnapshot, Holder } from '../change-messages';
import {
  changeRevokedSignal,
  SearchAttributes,
  verificationWorkflowId,
  WorkflowTypes,
  type EnterpriseVerificationInput,
  type ReviewDecision,
  type VerificationOutcome,
} from '../messages';

type Passed = { kind: 'passed' };

/**
 * A person proves they are who the change names: face recognition (mainland
 * ID), or a WeChat authorisation whose real-name record must be theirs.
 */
export async function personStep(c: ChangeProcess, who: 'holder' | 'new_person', person: Holder, via: 'face' | 'wechat', mismatch: FailureReason): Promise<Passed | Ended> {
  const step = `awaiting_${who}_${via === 'face' ? 'face' : 'scan'}` as ChangeStep;
  const { timings } = c.input;
  const qr = new QrSession(c.run, {
    provider: via,
    waitingStep: step,
    timings,
    purpose: who,
    sessionKey: step,
    ...(via === 'face' ? { subject: { realName: person.realName, idNumber: person.idNumber } } : {}),
  });
  c.qr = qr;
  await qr.issue();
  c.shown();
  for (;;) {
    const scan = await awaitQrEvent(c.run, qr, c.deadline);
    if (scan.kind === 'ended') return scan;
    const { event } = scan;
    if (event.type === 'face.completed') {
      if (event.passed) return used(qr, { kind: 'passed' });
      if (await qr.failedAttempt()) return used(qr, ended(failed('FACE_MISMATCH')));
    } else if (event.type === 'authorization.scanned') {
      // SPEC §3: the WeChat record must be the person's own document (type, name and number).
      const theirs = event.record.idType === person.idType && sameIndividual(person, event.record);
      return used(qr, theirs ? { kind: 'passed' } : ended(failed(mismatch)));
    }
  }
}

/** The QR served its purpose: nothing is left to scan or revoke. */
function used<T>(qr: QrSession, result: T): T {
  qr.drop();
  return result;
}

/** The face step for a mainland ID, WeChat for a permit holder (API.md). */
export const viaFor = (person: Holder): 'face' | 'wechat' => (person.idType === 'mainland_id' ? 'face' : 'wechat');

export type Approval = { kind: 'approved'; decision: Pending<ReviewDecision, { status: 'approved' | 'rejected' }> };

/**
 * Materials, then a review round (due in 3 business days, never decided
 * automatically); a rejection sends the change back for corrected materials
 * and a new round. The approval is answered by the caller once its next step
 * is written. A run continued as new starts at the decision's wait.
 */
export async function materialsAndReview(c: ChangeProcess, kind: 'enterprise_entity_change' | 'enterprise_name_change'): Promise<Approval | Ended> {
  let rejected: Pending<ReviewDecision, { status: 'approved' | 'rejected' }> | undefined;
  if (!c.input.resume) c.required = requiredMaterials(kind);
  for (let inReview = c.input.resume !== undefined; ; inReview = false) {
    if (!inReview) {
      const submitted = await submitForReview(c, kind, rejected);
      if (submitted) return submitted;
    }
    const reviewId = c.review!.id;
    // A review still open when the change expires closes with it (the run's close hook withdraws it).
    const decided = await wait(c.run, { until: c.deadline, events: false, requests: c.decisions, bound: c.bound });
    if (decided.kind === 'rollover') return c.rollOver();
    if (decided.kind === 'deadline') return ended(EXPIRED);
    if (decided.kind !== 'request') return ended(CANCELLED);
    const { request: decision } = decided.request;
    const approved = decision.decision === 'approve';
    if (approved) c.committed = true;
    await database.recordReviewDecision({ reviewId, decision: approved ? 'approved' : 'rejected', reason: decision.reason, reviewer: decision.reviewer });
    c.review = undefined;
    await bestEffort('notifying the review result', () =>
      notifications.notifyChange({ changeId: c.input.changeId, event: approved ? 'review_approved' : 'review_rejected', round: c.round, reason: decision.reason }),
    );
    if (approved) return { kind: 'approved', decision: decided.request };
    rejected = decided.request;
  }
}

/** The materials (answering the rejection that asked for them, if any), then the next review round: undefined once it is open. */
async function submitForReview(c: ChangeProcess, kind: string, rejected: Pending<ReviewDecision, { status: 'approved' | 'rejected' }> | undefined): Promise<Ended | undefined> {
  await c.run.enter('awaiting_materials');
  c.shown();
  if (rejected) c.decisions.answer(rejected, { status: 'rejected' });
  const sent = await wait(c.run, { until: c.deadline, events: false, requests: c.materials });
  if (sent.kind === 'deadline') return ended(EXPIRED);
  if (sent.kind !== 'request') return ended(CANCELLED);

  c.round++;
  const dueAt = addBusinessDays(new Date(Date.now()), 3, c.input.calendar ?? {}).getTime();
  const materials = Object.entries(sent.request.request).map(([purpose, uploadId]) => ({ purpose, uploadId }));
  const { reviewId } = await database.openChangeReview({ changeId: c.input.changeId, workflowId: c.workflowId, round: c.round, kind, dueAt: iso(dueAt), materials });
  c.review = { id: reviewId, dueAt };
  await c.run.enter('awaiting_review');
  c.materials.answer(sent.request, c.snapshot());
  return undefined;
}

/** After approval: the new licence and contact person, sent as the new subject's verification (API.md `new-subject`). */
export async function awaitNewSubject(c: ChangeProcess, approval: Approval): Promise<{ kind: 'subject'; request: Pending<EnterpriseVerificationInput, ChangeSnapshot> } | Ended> {
  await c.run.enter('awaiting_new_subject');
  c.decisions.answer(approval.decision, { status: 'approved' });
  const sent = await wait(c.run, { until: c.deadline, events: false, requests: c.newSubjects });
  if (sent.kind === 'deadline') return ended(EXPIRED);
  if (sent.kind !== 'request') return ended(CANCELLED);
  return { kind: 'subject', request: sent.request };
}

/**
 * The new subject's verification, as a child workflow of the enterprise
 * verification workflow: it takes no slot and writes nothing to the account
 * (the switch does). Revoking the change ends it cancelled; it runs under its
 * own windows, not CHANGE_VALIDITY.
 */
export async function verifyNewSubject(c: ChangeProcess, subject: EnterpriseVerificationInput, request?: Pending<EnterpriseVerificationInput, ChangeSnapshot>): Promise<Outcome> {
  const accountId = workflowInfo().typedSearchAttributes.get(SearchAttributes.accountId);
  const child = await startChild(WorkflowTypes.enterpriseVerification, {
    workflowId: verificationWorkflowId(subject.verificationId),
    args: [{ ...subject, change: { changeId: c.input.changeId } }],
    // Whatever ends the change, its verification is asked to end too, and closes its own row.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    ...(accountId !== undefined
      ? {
          typedSearchAttributes: [
            { key: SearchAttributes.accountId, value: accountId },
            { key: SearchAttributes.processKind, value: 'verification' },
            { key: SearchAttributes.method, value: subject.method },
            { key: SearchAttributes.processStatus, value: 'in_progress' },
          ],
        }
      : {}),
  });
  await c.run.enter('verifying_new_subject');
  // The event that ended the previous step has had its consequences written.
  c.run.settleEvent();
  c.shown();
  if (request) c.newSubjects.answer(request, c.snapshot());

  const running: NewSubjectRun = { workflowId: child.workflowId, over: false };
  c.newSubject = running;
  let failure: unknown;
  child.result().then(
    (o) => {
      running.outcome = o as VerificationOutcome;
      running.over = true;
    },
    (err: unknown) => {
      failure = err ?? new Error('the verification failed');
      running.over = true;
    },
  );
  const over = () => running.over;
  await condition(() => over() || c.run.cancelRequested);
  if (c.run.cancelRequested) {
    // Revoked (accepted before the verification's result was seen): the verification ends cancelled. One that was
    // asked has accepted and ends by itself; runs from before that question are told.
    if (!over() && !c.newSubjectRevoked) await child.signal(changeRevokedSignal).catch(() => undefined);
    await condition(over);
    return CANCELLED;
  }
  if (failure !== undefined) throw failure;
  return outcomeOfVerification(running.outcome!);
}

/** What the new subject's verification means for the change; 'verify' is the switch. */
function outcomeOfVerification(outcome: VerificationOutcome): Outcome {
  switch (outcome.status) {
    case 'verified':
      return 'verify';
    case 'failed':
      return failed((outcome.failureReason ?? 'INTERNAL_ERROR') as FailureReason);
    case 'expired':
      return EXPIRED;
    case 'cancelled':
      return CANCELLED;
    case 'rejected':
      return failed('INTERNAL_ERROR');
  }
}
