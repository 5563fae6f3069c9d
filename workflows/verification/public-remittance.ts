/**
 * Corporate public remittance (SPEC §4.1), step by step:
 * 1. passHandlerFace — the handler passes face recognition (FACE_MAX_ATTEMPTS tries, INSTANT_METHOD_TTL);
 * 2. reviewUntilApproved — a reviewer checks the materials (never decided automatically); a rejection may be
 *    corrected within RESUBMIT_WINDOW and goes back to review (a new handler passes face first);
 * 3. payOut — a random 0.01–0.99 payout to the corporate account, expected within 1–3 business days, reported
 *    on by the bank within PAYOUT_SETTLEMENT_TIMEOUT (remittance-payout.ts);
 * 4. awaitRemittanceAmount — the amount entered within AMOUNT_ENTRY_WINDOW of its arrival, two tries.
 * The applicant may cancel until the payout is ordered; review results are notified (§7). A run whose
 * history grows past its bound while the review waits continues as new at that wait (input.resume).
 */
import { log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { addBusinessDays } from '../../domain/business-days';
import { iso } from '../../domain/instant';
import { database, notifications } from '../kernel/activities';
import { awaitQrEvent, QrSession } from '../kernel/qr';
import type { Pending } from '../kernel/requests';
import { continueAsNewWith } from '../kernel/rollover';
import { bestEffort, CANCELLED, ended, EXPIRED, failed, type Ended, type ProcessRun } from '../kernel/run';
import { wait } from '../kernel/wait';
import {
  decideReviewUpdate,
  refreshQrUpdate,
  resubmitMaterialsUpdate,
  submitAmountUpdate,
  type CorrectedMaterials,
  type EnterpriseVerificationInput,
  type EnterpriseVerificationWorkflow,
  type ReviewDecision,
  type VerificationSnapshot,
} from '../messages';
import { Remittance } from './remittance';
import { awaitRemittanceAmount, drawPayout, payOut } from './remittance-payout';

/** Patch id: an approval records the payout step before the decision is answered. */
const PAYOUT_STEP_AT_APPROVAL = 'payout-step-at-approval';

export async function publicRemittance(input: EnterpriseVerificationInput, run: ProcessRun): Promise<void> {
  const handler = input.applicant.handler!;
  const qr = new QrSession(run, {
    provider: 'face',
    waitingStep: 'awaiting_handler_face',
    timings: input.timings,
    purpose: 'handler',
    subject: { realName: handler.name, idNumber: handler.idNumber },
  });
  const r = new Remittance(input, run, qr);
  run.nextAction = () => r.nextAction();
  // Before the handlers: an Update that reached a run continued as new first is validated on registration.
  if (input.resume) resume(r, input.resume);
  setHandler(refreshQrUpdate, qr.refreshes.ask, { validator: qr.validateRefresh });
  setHandler(decideReviewUpdate, r.decisions.ask, { validator: r.validateDecision });
  r.claims.install();
  setHandler(resubmitMaterialsUpdate, r.corrections.ask, { validator: r.validateCorrection });
  setHandler(submitAmountUpdate, r.amounts.ask, { validator: r.validateAmount });
  run.cancelGuard = r.cancelGuard;
  // A review waiting for its decision when the process ends is withdrawn from the queue.
  run.onClose({
    before: async () => {
      if (r.awaitingDecision) await database.revokeReview({ reviewId: r.review!.id });
    },
  });

  if (!input.resume) {
    r.faceDeadline = Date.now() + input.timings.instantMethodTtlMs;
    await qr.issue();
    run.markOpened();
    const face = await passHandlerFace(r);
    if (face.kind === 'ended') return run.close(face.outcome);
  }
  const review = await reviewUntilApproved(r, input.resume !== undefined);
  if (review.kind === 'ended') return run.close(review.outcome);
  const payout = await payOut(r);
  if (payout.kind === 'ended') return run.close(payout.outcome);
  const amount = await awaitRemittanceAmount(r);
  await run.close(amount.outcome);
  if (amount.request) r.amounts.answer(amount.request, amount.answer);
  log.info('public remittance ended', { status: run.status });
}

/** The handler's face recognition, until it passes or the step ends (expired, cancelled, FACE_MISMATCH). */
async function passHandlerFace({ run, qr, faceDeadline }: Remittance): Promise<{ kind: 'passed' } | Ended> {
  for (;;) {
    const scan = await awaitQrEvent(run, qr, faceDeadline);
    if (scan.kind === 'ended') return scan;
    if (scan.event.type !== 'face.completed') continue;
    if (scan.event.passed || (await qr.failedAttempt())) {
      // The session is used up either way: nothing is left to revoke.
      qr.drop();
      return scan.event.passed ? { kind: 'passed' } : ended(failed('FACE_MISMATCH'));
    }
  }
}

/** Review rounds until a reviewer approves; a rejection waits for corrections (RESUBMIT_WINDOW). */
async function reviewUntilApproved(r: Remittance, resumed: boolean): Promise<{ kind: 'approved' } | Ended> {
  const { run, input } = r;
  const workflowId = workflowInfo().workflowId;
  let correction: Pending<CorrectedMaterials, VerificationSnapshot> | undefined;
  // A run continued as new is already in its review round: it waits for the decision.
  for (let opened = resumed; ; opened = false) {
    if (!opened) {
      r.round++;
      const dueAt = addBusinessDays(new Date(Date.now()), 2, input.calendar ?? {}).getTime();
      const { reviewId } = await database.openReview({ verificationId: input.verificationId, workflowId, round: r.round, kind: 'public_remittance', dueAt: iso(dueAt) });
      r.review = { id: reviewId, dueAt };
      r.rejection = undefined;
      await run.enter('awaiting_review');
      // A resubmission is answered once its new review round is visible.
      if (correction) r.corrections.answer(correction, run.snapshot());
    }

    const decided = await wait(run, { until: null, events: false, requests: r.decisions, bound: r.bound });
    if (decided.kind === 'rollover') return rollOver(r);
    if (decided.kind !== 'request') return ended(CANCELLED);
    const { request } = decided;
    if (await recordDecision(r, request.request)) {
      r.decisions.answer(request, { status: 'approved' });
      return { kind: 'approved' };
    }
    r.rejection = { reason: request.request.reason ?? '', deadline: Date.now() + input.timings.resubmitWindowMs };
    await run.recordProgress();
    r.decisions.answer(request, { status: 'rejected' });

    const corrected = await wait(run, { until: r.rejection.deadline, events: false, requests: r.corrections });
    if (corrected.kind === 'deadline') return ended(EXPIRED);
    if (corrected.kind !== 'request') return ended(CANCELLED);
    correction = corrected.request;
    const newHandler = correction.request.handler;
    await database.replaceRemittanceMaterials({ verificationId: input.verificationId, corrections: correction.request });
    if (newHandler) {
      // A new handler passes face recognition before the materials go back to review.
      r.faceDeadline = Date.now() + input.timings.instantMethodTtlMs;
      await r.qr.restart({ realName: newHandler.name, idNumber: newHandler.idNumber });
      r.corrections.answer(correction, run.snapshot());
      correction = undefined;
      const face = await passHandlerFace(r);
      if (face.kind === 'ended') return face;
    }
  }
}

/** Records the reviewer's decision and tells the applicant; true for an approval (the payout step is then shown). */
async function recordDecision(r: Remittance, decision: ReviewDecision): Promise<boolean> {
  const approved = decision.decision === 'approve';
  const { verificationId } = r.input;
  await database.recordReviewDecision({ reviewId: r.review!.id, decision: approved ? 'approved' : 'rejected', reason: decision.reason, reviewer: decision.reviewer });
  await bestEffort('notifying the review result', () =>
    notifications.notifyEnterprise({ verificationId, event: approved ? 'review_approved' : 'review_rejected', round: r.round, reason: decision.reason }),
  );
  // The reviewer's answer already shows the payout step (runs that began before this patch show it after the order).
  if (approved && patched(PAYOUT_STEP_AT_APPROVAL)) {
    drawPayout(r);
    await r.run.enter('awaiting_payout');
  }
  return approved;
}

/** The history is past its bound while the review waits: the run continues as new at this wait (see RunResume). */
function rollOver(r: Remittance): Promise<never> {
  const { run, review, round, claims, qr, input } = r;
  log.info('continuing as new while the review waits', { round });
  const claim = claims.current;
  const resume = { run: { ...run.carried(), review: { id: review!.id, round, dueAt: review!.dueAt }, ...(claim ? { claim } : {}) }, qrIssued: qr.issued };
  return continueAsNewWith<EnterpriseVerificationWorkflow>({ ...input, resume });
}

/** A run continued as new (its kernel state is resumed by the workflow): in its review round, under the claim its predecessor held. */
function resume(r: Remittance, from: NonNullable<EnterpriseVerificationInput['resume']>): void {
  const { review, claim } = from.run;
  r.round = review.round;
  r.review = { id: review.id, dueAt: review.dueAt };
  r.claims.restore(claim);
  r.qr.continueFrom(from.qrIssued);
  r.run.markOpened();
}
