/**
 * Review rounds (SPEC §4.1 public remittance, §5 changes of subject): a round
 * opens a review due in so many business days, waits for a reviewer's
 * decision (claims meanwhile; past the run's history bound the wait hands
 * over to a run continued as new), records it and tells the applicant; a
 * rejection asks for a resubmission, which opens the next round. What a
 * (re)submission is — a remittance's corrections, a change's materials — and
 * the review's row and notices are the process's part (ReviewProcess).
 * Deterministic code only.
 */
import { log, setHandler } from '@temporalio/workflow';
import { addBusinessDays, type CalendarOverrides } from '../../domain/business-days';
import { iso } from '../../domain/instant';
import { decideReviewUpdate, FailureType, type NextAction, type ReviewDecision, type ReviewDecisionAnswer } from '../messages';
import type { ReviewCarry, RunResume } from '../process-messages';
import { databaseWrites } from './activities';
import { bestEffort, CANCELLED, ended, EXPIRED, refuse, type Ended } from './outcome';
import { Requests, type Pending } from './requests';
import { ReviewApprovals } from './review-approvals';
import { ReviewClaims } from './review-claims';
import { HistoryBound } from './rollover';
import type { OpenAnswer, ProcessRun, ProcessSnapshot } from './run';
import { wait } from './wait';

const database = databaseWrites<'recordReviewDecision' | 'revokeReview'>();

export type DecisionAnswer = ReviewDecisionAnswer;
/** A reviewer approved: the caller answers `decision` once its next step is written. */
export type Approval = { kind: 'approved'; decision: Pending<ReviewDecision, DecisionAnswer> };
export type ReviewAction = Extract<NextAction, { type: 'await_review' | 'resubmit_materials' }>;

/** The process's part of its review rounds. */
export interface ReviewProcess<S extends ProcessSnapshot<Step>, Step extends string, Submission> {
  /** The step a decision is awaited in. */
  step: Step;
  /** Business days a reviewer has for a round. */
  dueInBusinessDays: number;
  calendar?: CalendarOverrides | undefined;
  /** HISTORY_ROLLOVER_EVENTS (runs whose input predates it: the default bound). */
  historyRolloverEvents?: number | undefined;
  /** Epoch ms by which a decision must come, else the process expires; null: a review waits for its reviewer. */
  decideBy: number | null;
  /** The applicant submits before the first round (a change's materials); otherwise the first round opens at once. */
  submitsFirst: boolean;
  /** Epoch ms by which a (re)submission asked for now must come. */
  submitBy(): number;
  /** Opens the round's review row. */
  openReview(round: number, dueAt: string, submission: Submission | undefined): Promise<{ reviewId: string }>;
  /** Tells the applicant the review's result (SPEC §7). */
  notify(event: 'review_approved' | 'review_rejected', round: number, reason: string | null): Promise<void>;
  /** Shows the applicant what to (re)submit (a rejection is on the round by then). */
  askForSubmission(): Promise<void>;
  /** Acts on a (re)submission before its round opens (a new handler's face); it may end the process. */
  takeSubmission?(submission: Pending<Submission, S>): Promise<Ended | undefined>;
  /** Continues the run as new at the decision's wait, carrying `resume`. Never returns. */
  rollOver(resume: RunResume<Step>): Promise<never>;
}

export class ReviewRound<S extends ProcessSnapshot<Step>, Step extends string, Submission> {
  round = 0;
  /** The current round's review (kept once decided: a rejection's next action names it). */
  current: { id: string; dueAt: number } | undefined;
  /** The last round was rejected: the resubmission it asks for is due by `deadline`. */
  rejection: { reason: string; deadline: number } | undefined;
  readonly decisions: Requests<ReviewDecision, DecisionAnswer>;
  /** The applicant's (re)submissions, answered once their round is visible. */
  readonly submissions: Requests<Submission, S>;
  readonly claims = new ReviewClaims(() => this.openReview());
  /** Approvals on a review that needs two (four eyes). */
  readonly approvals = new ReviewApprovals();
  /** Past it, the decision's wait hands over to a run continued as new. */
  readonly bound: HistoryBound;
  private decided = false;

  constructor(
    private readonly run: ProcessRun<S, Step, OpenAnswer>,
    private readonly process: ReviewProcess<S, Step, Submission>,
  ) {
    const closed = () => run.finished;
    this.decisions = new Requests(closed, (d) => ({ status: d.decision === 'approve' ? 'approved' : 'rejected' }));
    this.submissions = new Requests(closed, () => run.snapshot());
    this.bound = new HistoryBound(process.historyRolloverEvents);
  }

  /** Registers the decision, claim and release handlers. */
  install(): void {
    setHandler(decideReviewUpdate, this.decisions.ask, { validator: this.validateDecision });
    this.claims.install();
  }

  /** A review is open and its decision not recorded yet. */
  get awaitingDecision(): boolean {
    return this.current !== undefined && !this.decided;
  }

  /** The review a decision is awaited on, if any: what reviewers may claim and decide. A decision and a cancellation exclude each other: whichever is accepted first wins. */
  readonly openReview = (): string | undefined => {
    const { run, current } = this;
    const shown = run.isOpen() && !run.cancelRequested && run.step === this.process.step;
    return shown && !this.rejection && !this.decisions.busy ? current?.id : undefined;
  };

  readonly validateDecision = (decision: ReviewDecision): void => {
    if (this.openReview() !== decision.reviewId) throw refuse(FailureType.reviewNotOpen, 'this review is no longer open');
    this.approvals.assertNotApprovedBy(decision);
    this.claims.assertMayDecide(decision);
    if (decision.decision === 'reject' && !decision.reason?.trim()) throw refuse(FailureType.validationFailed, 'a rejection needs a reason');
  };

  /** The applicant's next action in the review's step: wait for the review, or answer its rejection. */
  action(): ReviewAction | null {
    const { current, rejection } = this;
    if (!current) return null;
    return rejection
      ? { type: 'resubmit_materials', reviewId: current.id, reason: rejection.reason, deadline: iso(rejection.deadline) }
      : { type: 'await_review', reviewId: current.id, dueAt: iso(current.dueAt) };
  }

  /** Withdraws the current review from the queue (the process ended before its decision). */
  async withdraw(): Promise<void> {
    if (this.current) await database.revokeReview({ reviewId: this.current.id });
  }

  /** The approval is answered once the step after it is written. */
  answerApproval(approval: Approval): void {
    this.decisions.answer(approval.decision, { status: 'approved' });
  }

  /** Review rounds until a reviewer approves. A run continued as new (`resumed`) is in its round already: it waits for the decision. */
  async untilApproved(resumed: boolean): Promise<Approval | Ended> {
    let rejected: Pending<ReviewDecision, DecisionAnswer> | undefined;
    let submission: Pending<Submission, S> | undefined;
    for (let inReview = resumed; ; inReview = false) {
      if (!inReview) {
        if (rejected || this.process.submitsFirst) {
          const sent = await this.awaitSubmission(rejected);
          if (sent.kind === 'ended') return sent;
          submission = sent.submission;
        }
        await this.open(submission);
      }
      const decided = await this.awaitDecision();
      if (decided.kind === 'ended') return decided;
      if (decided.approved) return { kind: 'approved', decision: decided.request };
      rejected = decided.request;
    }
  }

  /** Asks for the (re)submission (answering the rejection that asked for it, once shown) and waits for it. */
  private async awaitSubmission(rejected: Pending<ReviewDecision, DecisionAnswer> | undefined): Promise<{ kind: 'sent'; submission: Pending<Submission, S> } | Ended> {
    const deadline = this.process.submitBy();
    if (rejected) this.rejection = { reason: rejected.request.reason ?? '', deadline };
    await this.process.askForSubmission();
    // The user's window, for the round the submission opens (SPEC §12).
    this.run.remindBefore(deadline, `${this.run.step}/${this.round + 1}`);
    if (rejected) this.decisions.answer(rejected, { status: 'rejected' });
    const sent = await wait(this.run, { until: deadline, events: false, requests: this.submissions });
    if (sent.kind === 'deadline') return ended(EXPIRED);
    if (sent.kind !== 'request') return ended(CANCELLED);
    const taken = await this.process.takeSubmission?.(sent.request);
    return taken ?? { kind: 'sent', submission: sent.request };
  }

  /** The next round: its review row, then its step; a (re)submission is answered once its round is visible. */
  private async open(submission: Pending<Submission, S> | undefined): Promise<void> {
    this.round++;
    const { dueInBusinessDays, calendar } = this.process;
    const dueAt = addBusinessDays(new Date(Date.now()), dueInBusinessDays, calendar ?? {}).getTime();
    const { reviewId } = await this.process.openReview(this.round, iso(dueAt), submission?.request);
    this.current = { id: reviewId, dueAt };
    this.rejection = undefined;
    this.decided = false;
    this.approvals.reset();
    await this.run.enter(this.process.step);
    if (submission) this.submissions.answer(submission, this.run.snapshot());
  }

  /**
   * The reviewer's decision, recorded and notified (the review waits past the decision's deadline only when it has none). An
   * approval that needs another reviewer's (four eyes) is recorded and answered, and the wait goes on.
   */
  private async awaitDecision(): Promise<{ kind: 'decided'; approved: boolean; request: Pending<ReviewDecision, DecisionAnswer> } | Ended> {
    let decided;
    for (;;) {
      decided = await wait(this.run, { until: this.process.decideBy, events: false, requests: this.decisions, bound: this.bound });
      if (decided.kind !== 'request' || !this.approvals.leavesOpen(decided.request.request)) break;
      await this.approvals.record(this.current!.id, decided.request.request);
      this.claims.clear();
      this.decisions.answer(decided.request, { status: 'open' });
    }
    if (decided.kind === 'rollover') return this.rollOver();
    if (decided.kind === 'deadline') return ended(EXPIRED);
    if (decided.kind !== 'request') return ended(CANCELLED);
    const { request } = decided;
    const approved = request.request.decision === 'approve';
    const { reason, reviewer } = request.request;
    await database.recordReviewDecision({ reviewId: this.current!.id, decision: approved ? 'approved' : 'rejected', reason, reviewer });
    this.decided = true;
    await bestEffort('notifying the review result', () => this.process.notify(approved ? 'review_approved' : 'review_rejected', this.round, reason));
    return { kind: 'decided', approved, request };
  }

  // ---- continuing as new (see RunResume)

  /** The history is past its bound while the decision waits: the run continues as new at this wait. */
  private rollOver(): Promise<never> {
    log.info('continuing as new while the review waits', { round: this.round });
    return this.process.rollOver({ ...this.run.carried(), ...this.carried() });
  }

  private carried(): ReviewCarry {
    const { id, dueAt } = this.current!;
    const claim = this.claims.current;
    const approvals = this.approvals.current;
    return { review: { id, round: this.round, dueAt }, ...(claim ? { claim } : {}), ...(approvals.length ? { approvals } : {}) };
  }

  /** A run continued as new: in its round, under the claim its predecessor held. */
  resume(from: ReviewCarry): void {
    this.round = from.review.round;
    this.current = { id: from.review.id, dueAt: from.review.dueAt };
    this.claims.restore(from.claim);
    this.approvals.reset(from.approvals);
  }
}
