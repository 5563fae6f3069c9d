/**
 * Corporate public remittance (SPEC §4.1), step by step:
 * 1. passHandlerFace — the handler passes face recognition (FACE_MAX_ATTEMPTS tries, INSTANT_METHOD_TTL);
 * 2. review rounds (kernel/review-round.ts) until approved — a reviewer checks the materials (never decided
 *    automatically); a rejection may be corrected within RESUBMIT_WINDOW and goes back to review (a new
 *    handler passes face first): corrections are this method's resubmissions (remittanceReview);
 * 3. payOut — a random 0.01–0.99 payout to the corporate account, expected within 1–3 business days, reported
 *    on by the bank within PAYOUT_SETTLEMENT_TIMEOUT (remittance-payout.ts);
 * 4. awaitRemittanceAmount — the amount entered within AMOUNT_ENTRY_WINDOW of its arrival, two tries.
 * The applicant may cancel until the payout is ordered; review results are notified (§7). A run whose
 * history grows past its bound while the review waits continues as new at that wait (input.resume).
 */
import { log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { VerificationStep } from '../../domain/constants';
import { ended, failed, type Ended } from '../kernel/outcome';
import { awaitQrEvent, QrSession } from '../kernel/qr';
import type { Pending } from '../kernel/requests';
import type { ReviewProcess } from '../kernel/review-round';
import { continueAsNewWith } from '../kernel/rollover';
import {
  refreshQrUpdate,
  resubmitMaterialsUpdate,
  submitAmountUpdate,
  type CorrectedMaterials,
  type EnterpriseVerificationInput,
  type EnterpriseVerificationWorkflow,
  type VerificationSnapshot,
} from '../messages';
import { database, notifications } from './activities';
import { Remittance } from './remittance';
import { awaitRemittanceAmount, drawPayout, payOut } from './remittance-payout';
import type { VerificationRun } from './run';

/** Patch id: an approval records the payout step before the decision is answered. */
const PAYOUT_STEP_AT_APPROVAL = 'payout-step-at-approval';

export async function publicRemittance(input: EnterpriseVerificationInput, run: VerificationRun): Promise<void> {
  const handler = input.applicant.handler!;
  const qr = new QrSession(run, {
    provider: 'face',
    waitingStep: 'awaiting_handler_face',
    timings: input.timings,
    purpose: 'handler',
    subject: { realName: handler.name, idNumber: handler.idNumber },
  });
  const r = new Remittance(input, run, qr, remittanceReview);
  run.nextAction = () => r.nextAction();
  // Before the handlers: an Update that reached a run continued as new first is validated on registration.
  if (input.resume) resume(r, input.resume);
  setHandler(refreshQrUpdate, qr.refreshes.ask, { validator: qr.validateRefresh });
  r.review.install();
  setHandler(resubmitMaterialsUpdate, r.review.submissions.ask, { validator: r.validateCorrection });
  setHandler(submitAmountUpdate, r.amounts.ask, { validator: r.validateAmount });
  run.cancelGuard = r.cancelGuard;
  // A review waiting for its decision when the process ends is withdrawn from the queue (while its step shows it).
  run.onClose({
    before: async () => {
      if (r.awaitingDecision) await r.review.withdraw();
    },
  });

  if (!input.resume) {
    r.faceDeadline = Date.now() + input.timings.instantMethodTtlMs;
    await qr.issue();
    run.markOpened();
    const face = await passHandlerFace(r);
    if (face.kind === 'ended') return run.close(face.outcome);
  }
  const review = await r.review.untilApproved(input.resume !== undefined);
  if (review.kind === 'ended') return run.close(review.outcome);
  // The reviewer's answer already shows the payout step (runs that began before this patch show it after the order).
  if (patched(PAYOUT_STEP_AT_APPROVAL)) {
    drawPayout(r);
    await run.enter('awaiting_payout');
  }
  r.review.answerApproval(review);
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

/** This method's part of its review rounds: the verification's review row and notices; corrections within RESUBMIT_WINDOW as the resubmission. */
function remittanceReview(r: Remittance): ReviewProcess<VerificationSnapshot, VerificationStep, CorrectedMaterials> {
  const { input, run } = r;
  const { verificationId, timings } = input;
  return {
    step: 'awaiting_review',
    dueInBusinessDays: 2,
    calendar: input.calendar,
    historyRolloverEvents: timings.historyRolloverEvents,
    // Never decided automatically: the review waits for its reviewer.
    decideBy: null,
    submitsFirst: false,
    submitBy: () => Date.now() + timings.resubmitWindowMs,
    openReview: (round, dueAt) => database.openReview({ verificationId, workflowId: workflowInfo().workflowId, round, kind: 'public_remittance', dueAt }),
    notify: (event, round, reason) => notifications.notifyEnterprise({ verificationId, event, round, reason }),
    // The rejection (reason, deadline) is the next action.
    askForSubmission: () => run.recordProgress(),
    takeSubmission: (correction) => takeCorrection(r, correction),
    rollOver: (resume) => continueAsNewWith<EnterpriseVerificationWorkflow>({ ...input, resume: { run: resume, qrIssued: r.qr.issued } }),
  };
}

/** Corrections replace the materials; a new handler passes face recognition before they go back to review. */
async function takeCorrection(r: Remittance, correction: Pending<CorrectedMaterials, VerificationSnapshot>): Promise<Ended | undefined> {
  const { input, run } = r;
  await database.replaceRemittanceMaterials({ verificationId: input.verificationId, corrections: correction.request });
  const newHandler = correction.request.handler;
  if (!newHandler) return undefined;
  r.faceDeadline = Date.now() + input.timings.instantMethodTtlMs;
  await r.qr.restart({ realName: newHandler.name, idNumber: newHandler.idNumber });
  r.review.submissions.answer(correction, run.snapshot());
  const face = await passHandlerFace(r);
  return face.kind === 'ended' ? face : undefined;
}

/** A run continued as new (its kernel state is resumed by the workflow): in its review round, under the claim its predecessor held. */
function resume(r: Remittance, from: NonNullable<EnterpriseVerificationInput['resume']>): void {
  r.review.resume(from.run);
  r.qr.continueFrom(from.qrIssued);
  r.run.markOpened();
}
