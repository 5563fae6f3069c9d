/**
 * Corporate public remittance (SPEC §4.1), step by step:
 * 1. passHandlerFace — the handler passes face recognition (FACE_MAX_ATTEMPTS tries, INSTANT_METHOD_TTL);
 * 2. reviewUntilApproved — a reviewer checks the materials (never decided automatically); a rejection may be
 *    corrected within RESUBMIT_WINDOW and goes back to review (a new handler passes face first);
 * 3. payOut — a random 0.01–0.99 payout to the corporate account, expected within 1–3 business days;
 * 4. awaitRemittanceAmount — the amount entered within AMOUNT_ENTRY_WINDOW of its arrival, two tries.
 * The applicant may cancel at any step; review results are notified (§7).
 */
import { log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { addBusinessDays } from '../domain/business-days';
import { endOfSpan, type Span } from '../domain/duration';
import { database, notifications } from './kernel/activities';
import { awaitQrEvent, QrSession } from './kernel/qr';
import { Requests, type Pending } from './kernel/requests';
import { bestEffort, CANCELLED, ended, EXPIRED, failed, refuse, type Ended, type Outcome, type ProcessRun } from './kernel/run';
import { wait } from './kernel/wait';
import {
  decideReviewUpdate,
  FailureType,
  refreshQrUpdate,
  resubmitMaterialsUpdate,
  submitAmountUpdate,
  type AmountAnswer,
  type CorrectedMaterials,
  type EnterpriseVerificationInput,
  type NextAction,
  type PayoutView,
  type ReviewDecision,
  type VerificationSnapshot,
} from './messages';
import { ATTEMPTS, randomFen } from './recharge';
import { ReviewClaims } from './kernel/review-claims';

/** Patch id: an approval records the payout step before the decision is answered. */
const PAYOUT_STEP_AT_APPROVAL = 'payout-step-at-approval';
/** Patch id: the payout wait ends at PAYOUT_SETTLEMENT_TIMEOUT and shows the bank's reference and the payout's state. */
const PAYOUT_SETTLEMENT_BOUND = 'payout-settlement-bound';
/** SPEC §4.1 step 4, for runs whose input predates PAYOUT_SETTLEMENT_TIMEOUT. */
const DEFAULT_SETTLEMENT_TIMEOUT: Span = { businessDays: 5 };
const iso = (ms: number) => new Date(ms).toISOString();

/** What the applicant is shown, and what the update validators check. */
class Remittance {
  faceDeadline = 0;
  round = 0;
  review: { id: string; dueAt: number } | undefined;
  rejection: { reason: string; deadline: number } | undefined;
  amountFen = 0;
  expectedBy = 0;
  amountDeadline = 0;
  amountAttemptsLeft = ATTEMPTS;
  /** The payout once ordered; confirmBy (epoch ms) bounds the wait for the bank's notice. */
  payout: { reference: string | null; state: PayoutView['state']; orderedAt: number; confirmBy: number } | undefined;
  readonly decisions: Requests<ReviewDecision, { status: 'approved' | 'rejected' }>;
  readonly claims = new ReviewClaims(() => this.openReview());
  readonly corrections: Requests<CorrectedMaterials, VerificationSnapshot>;
  readonly amounts: Requests<number, AmountAnswer>;

  constructor(
    readonly input: EnterpriseVerificationInput,
    readonly run: ProcessRun,
    readonly qr: QrSession,
  ) {
    const closed = () => run.finished;
    this.decisions = new Requests(closed, (d) => ({ status: d.decision === 'approve' ? 'approved' : 'rejected' }));
    this.corrections = new Requests(closed, () => run.snapshot());
    this.amounts = new Requests(closed, () => ({ result: 'mismatch', attemptsLeft: 0 }));
  }

  get awaitingDecision(): boolean {
    return this.run.step === 'awaiting_review' && this.review !== undefined && !this.rejection;
  }

  nextAction(): NextAction | null {
    const { run, review, rejection } = this;
    if (run.step === 'awaiting_handler_face') return this.qr.action();
    if (run.step === 'awaiting_payout') return { type: 'await_payout', expectedBy: iso(this.expectedBy), ...this.payoutView() };
    if (run.step === 'awaiting_amount') return { type: 'enter_amount', attemptsLeft: this.amountAttemptsLeft, deadline: iso(this.amountDeadline) };
    if (run.step !== 'awaiting_review' || !review) return null;
    return rejection
      ? { type: 'resubmit_materials', reviewId: review.id, reason: rejection.reason, deadline: iso(rejection.deadline) }
      : { type: 'await_review', reviewId: review.id, dueAt: iso(review.dueAt) };
  }

  private payoutView(): { payout?: PayoutView } {
    const p = this.payout;
    return p ? { payout: { reference: p.reference, state: p.state, orderedAt: iso(p.orderedAt), confirmBy: iso(p.confirmBy) } } : {};
  }

  /** A decision and a cancellation exclude each other: whichever is accepted first wins, the other is refused. */
  /** The review a decision is awaited on, if any: what reviewers may claim and decide. */
  readonly openReview = (): string | undefined =>
    this.run.isOpen() && !this.run.cancelRequested && this.awaitingDecision && !this.decisions.busy ? this.review?.id : undefined;

  readonly validateDecision = (decision: ReviewDecision): void => {
    if (this.openReview() !== decision.reviewId) throw refuse(FailureType.reviewNotOpen, 'this review is no longer open');
    this.claims.assertMayDecide(decision);
    if (decision.decision === 'reject' && !decision.reason?.trim()) throw refuse(FailureType.validationFailed, 'a rejection needs a reason');
  };

  readonly validateAmount = (fen: number): void => {
    if (!this.run.isOpen() || this.run.step !== 'awaiting_amount') throw refuse(FailureType.processNotOpen, 'this verification is not waiting for an amount');
    if (!Number.isSafeInteger(fen) || fen < 1) throw refuse(FailureType.validationFailed, 'the amount must be a positive number of fen');
  };

  readonly validateCorrection = (materials: CorrectedMaterials): void => {
    if (!materials.bankAccount && !materials.handler) throw refuse(FailureType.validationFailed, 'send a corrected bankAccount and/or handler');
    if (!this.run.isOpen() || this.run.step !== 'awaiting_review' || !this.rejection || this.corrections.busy) {
      throw refuse(FailureType.processNotOpen, 'there is no rejection to correct');
    }
  };
}

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
  setHandler(refreshQrUpdate, qr.refreshes.ask, { validator: qr.validateRefresh });
  setHandler(decideReviewUpdate, r.decisions.ask, { validator: r.validateDecision });
  r.claims.install();
  setHandler(resubmitMaterialsUpdate, r.corrections.ask, { validator: r.validateCorrection });
  setHandler(submitAmountUpdate, r.amounts.ask, { validator: r.validateAmount });
  run.cancelGuard = () => {
    if (r.decisions.busy) throw refuse(FailureType.processNotOpen, 'a reviewer’s decision is being recorded; cancel again once it shows');
    // After approval the payout is ordered, and a payout cannot be recalled: the process ends with the amount or its window,
    // or at the payout's confirmBy when the bank never reports on it.
    if (run.step === 'awaiting_payout') {
      const by = r.payout ? ` at the latest by ${iso(r.payout.confirmBy)} (PAYOUT_NOT_CONFIRMED without the bank's notice)` : '';
      throw refuse(FailureType.processNotOpen, `the payout has been ordered and can no longer be recalled; this verification ends with the amount you enter, or${by}`);
    }
    if (run.step === 'awaiting_amount') {
      throw refuse(FailureType.processNotOpen, 'the payout has been ordered and can no longer be recalled; enter the amount, or let the entry window pass');
    }
  };
  // A review waiting for its decision when the process ends is withdrawn from the queue.
  run.onClose({
    before: async () => {
      if (r.awaitingDecision) await database.revokeReview({ reviewId: r.review!.id });
    },
  });

  r.faceDeadline = Date.now() + input.timings.instantMethodTtlMs;
  await qr.issue();
  run.markOpened();
  const face = await passHandlerFace(r);
  if (face.kind === 'ended') return run.close(face.outcome);
  const review = await reviewUntilApproved(r);
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
async function reviewUntilApproved(r: Remittance): Promise<{ kind: 'approved' } | Ended> {
  const { run, input } = r;
  const workflowId = workflowInfo().workflowId;
  let correction: Pending<CorrectedMaterials, VerificationSnapshot> | undefined;
  for (;;) {
    r.round++;
    const dueAt = addBusinessDays(new Date(Date.now()), 2, input.calendar ?? {}).getTime();
    const { reviewId } = await database.openReview({ verificationId: input.verificationId, workflowId, round: r.round, kind: 'public_remittance', dueAt: iso(dueAt) });
    r.review = { id: reviewId, dueAt };
    r.rejection = undefined;
    await run.enter('awaiting_review');
    // A resubmission is answered once its new review round is visible.
    if (correction) r.corrections.answer(correction, run.snapshot());

    const decided = await wait(run, { until: null, events: false, requests: r.decisions });
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

/** After approval: the amount to pay out, when it is expected (3 business days), and by when the bank must report on it. */
function drawPayout(r: Remittance): void {
  const now = Date.now();
  const calendar = r.input.calendar ?? {};
  r.amountFen = randomFen();
  r.expectedBy = addBusinessDays(new Date(now), 3, calendar).getTime();
  const timeout = r.input.timings.payoutSettlementTimeout ?? DEFAULT_SETTLEMENT_TIMEOUT;
  r.payout = { reference: null, state: 'ordered', orderedAt: now, confirmBy: endOfSpan(new Date(now), timeout, calendar).getTime() };
}

/**
 * Orders the payout once (idempotent at the bank) and waits for the bank's
 * notice: settled (the amount step follows), refused (BANK_ACCOUNT_INVALID),
 * or neither by the payout's confirmBy (PAYOUT_NOT_CONFIRMED: the account is
 * free again). A notice after that finds the process closed and changes nothing.
 */
async function payOut(r: Remittance): Promise<{ kind: 'settled' } | Ended> {
  const { run } = r;
  const requestId = `${workflowInfo().workflowId}/payout`;
  // Runs from before PAYOUT_STEP_AT_APPROVAL draw the amount here and show the step once the order is placed.
  const shown = run.step === 'awaiting_payout';
  if (!shown) drawPayout(r);
  // Runs already waiting for the settlement when the bound came keep waiting as they were.
  const bounded = patched(PAYOUT_SETTLEMENT_BOUND);
  if (!bounded) r.payout = undefined;
  const order = await run.providers.requestPayout({ verificationId: r.input.verificationId, requestId, reference: workflowInfo().workflowId, amountFen: r.amountFen });
  if (r.payout) r.payout.reference = order.bankReference ?? null;
  if (!shown) await run.enter('awaiting_payout');
  else if (bounded) await run.recordProgress();
  for (;;) {
    const wake = await wait(run, { until: r.payout?.confirmBy ?? null, events: true });
    if (wake.kind === 'deadline') return ended(failed('PAYOUT_NOT_CONFIRMED'));
    if (wake.kind !== 'event') return ended(CANCELLED);
    const { event } = wake;
    if (!('requestId' in event) || event.requestId !== requestId) continue;
    if (event.type === 'payout.refused') {
      if (r.payout) r.payout.state = 'returned';
      return ended(failed('BANK_ACCOUNT_INVALID'));
    }
    if (event.type === 'payout.sent' && r.payout?.state === 'ordered') {
      r.payout.state = 'sent';
      await run.recordProgress();
    }
    if (event.type === 'payout.settled') {
      if (r.payout) r.payout.state = 'settled';
      r.amountDeadline = Date.now() + r.input.timings.amountEntryWindowMs;
      await run.enter('awaiting_amount');
      return { kind: 'settled' };
    }
  }
}

type AmountResult = { outcome: Outcome; request?: Pending<number, AmountAnswer>; answer: AmountAnswer };

/** The amount read on the bank statement, within AMOUNT_ENTRY_WINDOW of the arrival; two mismatches fail it. */
async function awaitRemittanceAmount(r: Remittance): Promise<AmountResult> {
  const none = { result: 'mismatch', attemptsLeft: 0 } as const;
  for (;;) {
    const wake = await wait(r.run, { until: r.amountDeadline, events: true, requests: r.amounts });
    if (wake.kind === 'deadline') return { outcome: EXPIRED, answer: none };
    if (wake.kind === 'cancel') return { outcome: CANCELLED, answer: none };
    if (wake.kind !== 'request') continue;
    const { request } = wake;
    if (request.request === r.amountFen) return { outcome: 'verify', request, answer: { result: 'matched', attemptsLeft: r.amountAttemptsLeft } };
    r.amountAttemptsLeft--;
    if (r.amountAttemptsLeft <= 0) return { outcome: failed('REMITTANCE_AMOUNT_MISMATCH'), request, answer: { result: 'mismatch', attemptsLeft: 0 } };
    await r.run.recordProgress();
    r.amounts.answer(request, { result: 'mismatch', attemptsLeft: r.amountAttemptsLeft });
  }
}
