/**
 * A corporate public remittance's state (SPEC §4.1): what the applicant is
 * shown, what the update validators check, and what refuses a cancellation.
 * The steps are in public-remittance.ts and remittance-payout.ts.
 */
import { iso } from '../../domain/instant';
import { AMOUNT_ATTEMPTS } from '../../domain/money';
import type { QrSession } from '../kernel/qr';
import { Requests } from '../kernel/requests';
import { refuse, type ProcessRun } from '../kernel/run';
import { ReviewClaims } from '../kernel/review-claims';
import { HistoryBound } from '../kernel/rollover';
import {
  FailureType,
  type AmountAnswer,
  type CorrectedMaterials,
  type EnterpriseVerificationInput,
  type NextAction,
  type PayoutView,
  type ReviewDecision,
  type VerificationSnapshot,
} from '../messages';

/** What the applicant is shown, and what the update validators check. */
export class Remittance {
  faceDeadline = 0;
  round = 0;
  review: { id: string; dueAt: number } | undefined;
  rejection: { reason: string; deadline: number } | undefined;
  amountFen = 0;
  expectedBy = 0;
  amountDeadline = 0;
  amountAttemptsLeft = AMOUNT_ATTEMPTS;
  /** The payout once ordered; confirmBy (epoch ms) bounds the wait for the bank's notice. */
  payout: { reference: string | null; state: PayoutView['state']; orderedAt: number; confirmBy: number } | undefined;
  readonly decisions: Requests<ReviewDecision, { status: 'approved' | 'rejected' }>;
  readonly claims = new ReviewClaims(() => this.openReview());
  readonly corrections: Requests<CorrectedMaterials, VerificationSnapshot>;
  readonly amounts: Requests<number, AmountAnswer>;
  /** Past it, the review's wait hands over to a run continued as new. */
  readonly bound: HistoryBound;

  constructor(
    readonly input: EnterpriseVerificationInput,
    readonly run: ProcessRun,
    readonly qr: QrSession,
  ) {
    const closed = () => run.finished;
    this.decisions = new Requests(closed, (d) => ({ status: d.decision === 'approve' ? 'approved' : 'rejected' }));
    this.corrections = new Requests(closed, () => run.snapshot());
    this.amounts = new Requests(closed, () => ({ result: 'mismatch', attemptsLeft: 0 }));
    this.bound = new HistoryBound(input.timings.historyRolloverEvents);
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

  /** The review a decision is awaited on, if any: what reviewers may claim and decide. A decision and a cancellation exclude each other: whichever is accepted first wins. */
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

  /** The run's cancel guard: a decision being recorded, or a payout ordered (it cannot be recalled), refuses a cancellation. */
  readonly cancelGuard = (): void => {
    const { run } = this;
    if (this.decisions.busy) throw refuse(FailureType.processNotOpen, 'a reviewer’s decision is being recorded; cancel again once it shows');
    // The process then ends with the amount or its window, or at the payout's confirmBy when the bank never reports on it.
    if (run.step === 'awaiting_payout') {
      const bound = this.payout ? `; without the bank’s notice by ${iso(this.payout.confirmBy)} it ends PAYOUT_NOT_CONFIRMED and the account is free` : '';
      throw refuse(FailureType.processNotOpen, `the payout has been ordered and can no longer be recalled${bound}`);
    }
    if (run.step === 'awaiting_amount') {
      throw refuse(FailureType.processNotOpen, 'the payout has been ordered and can no longer be recalled; enter the amount, or let the entry window pass');
    }
  };
}
