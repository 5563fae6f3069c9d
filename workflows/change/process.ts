/**
 * A change of subject's state on the kernel run: where it is written (the
 * changes table, the switch at completion), what the user is shown, and which
 * requests it takes at which step. Revocation and a reviewer's approval are
 * decided by the validators: whichever is accepted first wins, the other is
 * refused. Deterministic code only.
 */
import { condition, getExternalWorkflowHandle, patched, workflowInfo } from '@temporalio/workflow';
import { sameEntityName } from '../../domain/entity-name';
import { iso } from '../../domain/instant';
import { missingMaterials } from '../../domain/change-rules';
import { database, notifications, refunds } from '../kernel/activities';
import type { QrSession } from '../kernel/qr';
import { Requests } from '../kernel/requests';
import { continueAsNewWith, HistoryBound } from '../kernel/rollover';
import { ProcessRun, refuse, type RunLedger } from '../kernel/run';
import type { ChangeInput, ChangeMaterials, ChangeNextAction, ChangeSnapshot, SubjectChangeWorkflow } from '../change-messages';
import { FailureType, type EnterpriseVerificationInput, type ReviewDecision, type VerificationOutcome, type VerificationSnapshot } from '../messages';
import { ownerRevokeSignal, type OwnerRevokeAnswer } from '../process-messages';
import { ReviewClaims } from '../kernel/review-claims';

/** A change's ledger: its row in `changes`; 'verify' is the switch, the user's cancellation a revocation. */
export const changeLedger = (changeId: string): RunLedger => ({
  progress: async (revision, step, nextAction) => {
    await database.recordChangeProgress({ changeId, revision, step, nextAction });
  },
  close: async (revision, outcome) => {
    if (outcome !== 'verify') {
      const status = outcome.status === 'cancelled' ? 'revoked' : outcome.status;
      return database.finishChange({ changeId, revision, outcome: { status, failureReason: outcome.failureReason } });
    }
    const result = await database.completeChange({ changeId, revision });
    // The switch failed on the quota after a recharge was matched: the money goes back.
    if (result.refund) await refunds.refundTransfer(result.refund);
    return result;
  },
});

/** Patch id: a revocation while the new subject is being verified asks that verification first (it may refuse). */
const REVOKE_ASKS_NEW_SUBJECT = 'revoke-asks-new-subject';

/** The new subject's verification (a child workflow) while it runs, and its outcome once known. */
export interface NewSubjectRun {
  workflowId: string;
  over: boolean;
  outcome?: VerificationOutcome;
}

export class ChangeProcess {
  readonly run: ProcessRun;
  /** CHANGE_VALIDITY: the steps before the new subject's verification must be done by then. */
  readonly deadline: number;
  /** The QR of the current face or WeChat step. */
  qr: QrSession | undefined;
  round = 0;
  review: { id: string; dueAt: number } | undefined;
  required: string[] = [];
  /** A reviewer approved, or the switch began: from then on the change cannot be revoked. */
  committed = false;
  readonly materials: Requests<ChangeMaterials, ChangeSnapshot>;
  readonly decisions: Requests<ReviewDecision, { status: 'approved' | 'rejected' }>;
  readonly claims = new ReviewClaims(() => this.openReview());
  readonly newSubjects: Requests<EnterpriseVerificationInput, ChangeSnapshot>;
  /** Past it, the review's wait hands over to a run continued as new. */
  readonly bound: HistoryBound;
  /** Set while verifying_new_subject. */
  newSubject: NewSubjectRun | undefined;
  /** The revocation asked of the new subject's verification, until it answers. */
  private asking: { requestId: string; answer?: OwnerRevokeAnswer } | undefined;
  private asked = 0;
  /** The new subject's verification accepted the revocation: it ends cancelled by itself. */
  newSubjectRevoked = false;

  constructor(readonly input: ChangeInput) {
    const { changeId, timings } = input;
    this.run = new ProcessRun(changeId, input.request.type, {
      providerCallTimeoutMs: timings.providerCallTimeoutMs,
      ledger: changeLedger(changeId),
      notify: (closed) => notifications.notifyChange({ changeId, event: closed.status as 'completed' | 'revoked' | 'expired' | 'failed', round: 0, reason: closed.failureReason }),
    });
    // A run continued as new keeps the deadline fixed when the change opened.
    this.deadline = input.resume?.deadline ?? Date.now() + timings.changeValidityMs;
    this.bound = new HistoryBound(timings.historyRolloverEvents);
    this.run.nextAction = () => this.nextAction() as never;
    const closed = () => this.run.finished;
    this.materials = new Requests(closed, () => this.snapshot());
    this.decisions = new Requests(closed, (d) => ({ status: d.decision === 'approve' ? 'approved' : 'rejected' }));
    this.newSubjects = new Requests(closed, () => this.snapshot());
    // A review waiting for its decision when the change ends (revoked, expired) is withdrawn from the queue.
    this.run.onClose({ before: async () => (this.review ? database.revokeReview({ reviewId: this.review.id }) : undefined) });
  }

  get workflowId(): string {
    return workflowInfo().workflowId;
  }

  /** The first step is visible: the caller who asked for the change gets its answer. */
  shown(): void {
    this.run.markOpened({ opened: true });
  }

  readonly snapshot = (): ChangeSnapshot => ({
    changeId: this.input.changeId,
    status: this.run.status as ChangeSnapshot['status'],
    step: this.run.step as ChangeSnapshot['step'],
    nextAction: this.run.isOpen() ? this.nextAction() : null,
    failureReason: this.run.failureReason,
  });

  /** While verifying_new_subject the API shows that verification's next action (null here). */
  nextAction(): ChangeNextAction | null {
    switch (this.run.step) {
      case 'awaiting_materials':
        return { type: 'submit_materials', required: this.required };
      case 'awaiting_review':
        return this.review ? { type: 'await_review', reviewId: this.review.id, dueAt: iso(this.review.dueAt) } : null;
      case 'awaiting_new_subject':
        return { type: 'submit_new_subject' };
      case 'verifying_new_subject':
        return null;
      default:
        return this.qr?.action() ?? null;
    }
  }

  // ---- continuing as new (see RunResume)

  /** The history is past its bound while the review waits: the change continues as new at this wait. */
  rollOver(): Promise<never> {
    const { review, round, required, committed, deadline } = this;
    const claim = this.claims.current;
    const run = { ...this.run.carried(), review: { id: review!.id, round, dueAt: review!.dueAt }, ...(claim ? { claim } : {}) };
    return continueAsNewWith<SubjectChangeWorkflow>({ ...this.input, resume: { run, deadline, required, committed } });
  }

  /** A run continued as new: the change is open, in its review round, under the claim its predecessor held. */
  resumed(): boolean {
    const from = this.input.resume;
    if (!from) return false;
    this.run.resumeFrom(from.run);
    this.round = from.run.review.round;
    this.review = { id: from.run.review.id, dueAt: from.run.review.dueAt };
    this.required = from.required;
    this.committed = from.committed;
    this.claims.restore(from.run.claim);
    this.shown();
    return true;
  }

  // ---- revocation

  get revocable(): boolean {
    return this.run.isOpen() && !this.run.cancelRequested && !this.committed && !this.decisions.busy;
  }

  readonly validateRevoke = (): void => {
    if (!this.revocable) throw refuse(FailureType.processNotOpen, 'this change is decided or over: it can no longer be revoked');
  };

  readonly revoke = async (): Promise<ChangeSnapshot> => {
    const child = this.newSubject;
    if (child && !child.over && patched(REVOKE_ASKS_NEW_SUBJECT)) {
      await this.askNewSubject(child);
      this.newSubjectRevoked = true;
    }
    this.run.cancelRequested = true;
    await condition(() => this.run.closed);
    return this.snapshot();
  };

  /** Whether the new subject's verification may end cancelled: it decides, as for its own cancel; refused, the change goes on (PROCESS_NOT_OPEN). */
  private async askNewSubject(child: NewSubjectRun): Promise<void> {
    // A second revocation while the first is asked waits for the same answer.
    let pending = this.asking;
    if (!pending) {
      pending = { requestId: `${this.workflowId}/revoke/${++this.asked}` };
      this.asking = pending;
      // A verification that has just ended cannot be signalled: its outcome answers instead.
      await getExternalWorkflowHandle(child.workflowId)
        .signal(ownerRevokeSignal, { requestId: pending.requestId })
        .catch(() => undefined);
    }
    const asking = pending;
    await condition(() => asking.answer !== undefined || child.over);
    if (this.asking === asking) this.asking = undefined;
    const accepted = asking.answer?.accepted ?? child.outcome?.status === 'cancelled';
    if (!accepted) {
      const why = asking.answer?.reason ?? 'the new subject’s verification has ended';
      throw refuse(FailureType.processNotOpen, `the change can no longer be revoked: ${why}`);
    }
  }

  /** The new subject's verification answers a revocation (ownerRevokeAnswerSignal). */
  readonly revokeAnswered = (answer: OwnerRevokeAnswer): void => {
    if (this.asking?.requestId === answer.requestId) this.asking.answer = answer;
  };

  // ---- requests by step

  private open(step: string): boolean {
    return this.run.isOpen() && !this.run.cancelRequested && this.run.step === step;
  }

  readonly validateMaterials = (materials: ChangeMaterials): void => {
    if (!this.open('awaiting_materials') || this.materials.busy) throw refuse(FailureType.processNotOpen, 'this change is not waiting for materials');
    const missing = missingMaterials(this.required, materials);
    if (missing.length > 0) throw refuse(FailureType.validationFailed, `materials missing: ${missing.join(', ')}`);
  };

  /** The review a decision is awaited on, if any: what reviewers may claim and decide. */
  readonly openReview = (): string | undefined => (this.open('awaiting_review') && !this.decisions.busy ? this.review?.id : undefined);

  readonly validateDecision = (decision: ReviewDecision): void => {
    if (this.openReview() !== decision.reviewId) throw refuse(FailureType.reviewNotOpen, 'this review is no longer open');
    this.claims.assertMayDecide(decision);
    if (decision.decision === 'reject' && !decision.reason?.trim()) throw refuse(FailureType.validationFailed, 'a rejection needs a reason');
  };

  readonly validateNewSubject = (subject: EnterpriseVerificationInput): void => {
    if (!this.open('awaiting_new_subject') || this.newSubjects.busy) throw refuse(FailureType.processNotOpen, 'this change is not waiting for the new subject');
    const declared = this.input.request.type === 'enterprise_entity_change' ? this.input.request.newEnterprise : undefined;
    const same = declared && subject.applicant.creditCode === declared.creditCode && sameEntityName(subject.applicant.name, declared.name);
    if (!same) throw refuse(FailureType.validationFailed, 'the new subject must be the enterprise the change declared (name and credit code)');
  };

  readonly validateRefresh = (): void => {
    if (!this.qr) throw refuse(FailureType.processNotOpen, 'this change is not waiting for a QR scan');
    this.qr.validateRefresh();
  };

  readonly refreshQr = (): Promise<VerificationSnapshot> => this.qr!.refreshes.ask();
}
