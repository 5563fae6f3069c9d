/**
 * A change of subject's state on the kernel run: what the user is shown,
 * which requests it takes at which step, and its revocation. Revocation and a
 * reviewer's approval are decided by the validators: whichever is accepted
 * first wins, the other is refused. Deterministic code only.
 */
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import { missingMaterials, type ChangeStep } from '../../domain/change-rules';
import { sameEntityName } from '../../domain/entity-name';
import { refuse } from '../kernel/outcome';
import type { QrSession } from '../kernel/qr';
import { Requests } from '../kernel/requests';
import { ReviewRound } from '../kernel/review-round';
import { continueAsNewWith } from '../kernel/rollover';
import type { ChangeInput, ChangeMaterials, ChangeNextAction, ChangeSnapshot, SubjectChangeWorkflow } from '../change-messages';
import { FailureType, type EnterpriseVerificationInput } from '../messages';
import type { RunResume } from '../process-messages';
import type { NewSubjectRun } from './new-subject';
import { changeReview, type ChangeReview } from './review';
import { NewSubjectRevocation } from './revoke';
import { changeRun, type ChangeRun } from './run';

/** Patch id: a revocation while the new subject is being verified asks that verification first (it may refuse). */
const REVOKE_ASKS_NEW_SUBJECT = 'revoke-asks-new-subject';

export type ChangeQr = QrSession<ChangeSnapshot, ChangeStep>;

export class ChangeProcess {
  readonly run: ChangeRun;
  /** CHANGE_VALIDITY: the steps before the new subject's verification must be done by then. */
  readonly deadline: number;
  /** The QR of the current face or WeChat step. */
  qr: ChangeQr | undefined;
  /** The materials the review is of (their purposes). */
  required: string[] = [];
  /** A reviewer approved, or the switch began: from then on the change cannot be revoked. */
  committed = false;
  /** The review rounds of the reviewed types (entity change, name change by materials): materials are their (re)submissions. */
  readonly review: ChangeReview;
  readonly newSubjects: Requests<EnterpriseVerificationInput, ChangeSnapshot>;
  /** Set while verifying_new_subject. */
  newSubject: NewSubjectRun | undefined;
  /** A revocation asked of the new subject's verification. */
  readonly revocation = new NewSubjectRevocation();

  constructor(readonly input: ChangeInput) {
    this.run = changeRun(input);
    // A run continued as new keeps the deadline fixed when the change opened.
    this.deadline = input.resume?.deadline ?? Date.now() + input.timings.changeValidityMs;
    this.run.nextAction = () => this.nextAction();
    this.review = new ReviewRound(this.run, changeReview(this));
    this.newSubjects = new Requests(() => this.run.finished, () => this.run.snapshot());
    // A review waiting for its decision when the change ends (revoked, expired) is withdrawn from the queue.
    this.run.onClose({
      before: async () => {
        if (this.review.awaitingDecision) await this.review.withdraw();
      },
    });
  }

  get workflowId(): string {
    return workflowInfo().workflowId;
  }

  /** The first step is visible: the caller who asked for the change gets its answer. */
  shown(): void {
    this.run.markOpened();
  }

  /** While verifying_new_subject the API shows that verification's next action (null here). */
  nextAction(): ChangeNextAction | null {
    switch (this.run.step) {
      case 'awaiting_materials':
        return { type: 'submit_materials', required: this.required };
      case 'awaiting_review':
        return this.review.awaitingDecision ? this.review.action() : null;
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
  rollOver(run: RunResume<ChangeStep>): Promise<never> {
    const { deadline, required, committed } = this;
    return continueAsNewWith<SubjectChangeWorkflow>({ ...this.input, resume: { run, deadline, required, committed } });
  }

  /** A run continued as new: the change is open, in its review round, under the claim its predecessor held. */
  resumed(): boolean {
    const from = this.input.resume;
    if (!from) return false;
    this.run.resumeFrom(from.run);
    this.review.resume(from.run);
    this.required = from.required;
    this.committed = from.committed;
    this.shown();
    return true;
  }

  // ---- revocation

  get revocable(): boolean {
    return this.run.isOpen() && !this.run.cancelRequested && !this.committed && !this.review.decisions.busy;
  }

  readonly validateRevoke = (): void => {
    if (!this.revocable) throw refuse(FailureType.processNotOpen, 'this change is decided or over: it can no longer be revoked');
  };

  readonly revoke = async (): Promise<ChangeSnapshot> => {
    const child = this.newSubject;
    if (child && !child.over && patched(REVOKE_ASKS_NEW_SUBJECT)) await this.revocation.ask(child);
    this.run.cancelRequested = true;
    await condition(() => this.run.closed);
    return this.run.snapshot();
  };

  // ---- requests by step

  private open(step: ChangeStep): boolean {
    return this.run.isOpen() && !this.run.cancelRequested && this.run.step === step;
  }

  readonly validateMaterials = (materials: ChangeMaterials): void => {
    if (!this.open('awaiting_materials') || this.review.submissions.busy) throw refuse(FailureType.processNotOpen, 'this change is not waiting for materials');
    const missing = missingMaterials(this.required, materials);
    if (missing.length > 0) throw refuse(FailureType.validationFailed, `materials missing: ${missing.join(', ')}`);
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

  readonly refreshQr = (): Promise<ChangeSnapshot> => this.qr!.refreshes.ask();
}
