/**
 * A corporate public remittance's state (SPEC §4.1): what the applicant is
 * shown, what the update validators check, and what refuses a cancellation.
 * The steps are in public-remittance.ts, remittance-review.ts and
 * remittance-payout.ts.
 */
import type { VerificationStep } from '../../domain/constants';
import { iso } from '../../domain/instant';
import { AMOUNT_ATTEMPTS } from '../../domain/money';
import { refuse } from '../kernel/outcome';
import type { QrSession } from '../kernel/qr';
import { Requests } from '../kernel/requests';
import { ReviewRound, type ReviewProcess } from '../kernel/review-round';
import { FailureType, type AmountAnswer, type CorrectedMaterials, type EnterpriseVerificationInput, type NextAction, type PayoutView, type VerificationSnapshot } from '../messages';
import type { VerificationRun } from './run';

export type HandlerQr = QrSession<VerificationSnapshot, VerificationStep>;
/** A public remittance's review rounds: corrections are its resubmissions. */
export type RemittanceReview = ReviewRound<VerificationSnapshot, VerificationStep, CorrectedMaterials>;

/** What the applicant is shown, and what the update validators check. */
export class Remittance {
  faceDeadline = 0;
  amountFen = 0;
  expectedBy = 0;
  amountDeadline = 0;
  amountAttemptsLeft = AMOUNT_ATTEMPTS;
  /** The payout once ordered; confirmBy (epoch ms) bounds the wait for the bank's notice. */
  payout: { reference: string | null; state: PayoutView['state']; orderedAt: number; confirmBy: number } | undefined;
  readonly review: RemittanceReview;
  readonly amounts: Requests<number, AmountAnswer>;

  constructor(
    readonly input: EnterpriseVerificationInput,
    readonly run: VerificationRun,
    readonly qr: HandlerQr,
    review: (r: Remittance) => ReviewProcess<VerificationSnapshot, VerificationStep, CorrectedMaterials>,
  ) {
    this.review = new ReviewRound(run, review(this));
    this.amounts = new Requests(() => run.finished, () => ({ result: 'mismatch', attemptsLeft: 0 }));
  }

  /** The review shows and has no rejection yet: a review still in the queue, withdrawn if the process ends. */
  get awaitingDecision(): boolean {
    return this.run.step === 'awaiting_review' && this.review.current !== undefined && !this.review.rejection;
  }

  nextAction(): NextAction | null {
    const { run } = this;
    if (run.step === 'awaiting_handler_face') return this.qr.action();
    if (run.step === 'awaiting_payout') return { type: 'await_payout', expectedBy: iso(this.expectedBy), ...this.payoutView() };
    if (run.step === 'awaiting_amount') return { type: 'enter_amount', attemptsLeft: this.amountAttemptsLeft, deadline: iso(this.amountDeadline) };
    return run.step === 'awaiting_review' ? this.review.action() : null;
  }

  private payoutView(): { payout?: PayoutView } {
    const p = this.payout;
    return p ? { payout: { reference: p.reference, state: p.state, orderedAt: iso(p.orderedAt), confirmBy: iso(p.confirmBy) } } : {};
  }

  readonly validateAmount = (fen: number): void => {
    if (!this.run.isOpen() || this.run.step !== 'awaiting_amount') throw refuse(FailureType.processNotOpen, 'this verification is not waiting for an amount');
    if (!Number.isSafeInteger(fen) || fen < 1) throw refuse(FailureType.validationFailed, 'the amount must be a positive number of fen');
  };

  readonly validateCorrection = (materials: CorrectedMaterials): void => {
    if (!materials.bankAccount && !materials.handler) throw refuse(FailureType.validationFailed, 'send a corrected bankAccount and/or handler');
    if (!this.run.isOpen() || this.run.step !== 'awaiting_review' || !this.review.rejection || this.review.submissions.busy) {
      throw refuse(FailureType.processNotOpen, 'there is no rejection to correct');
    }
  };

  /** The run's cancel guard: a decision being recorded, or a payout ordered (it cannot be recalled), refuses a cancellation. */
  readonly cancelGuard = (): void => {
    const { run } = this;
    if (this.review.decisions.busy) throw refuse(FailureType.processNotOpen, 'a reviewer’s decision is being recorded; cancel again once it shows');
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
