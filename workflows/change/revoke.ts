/**
 * Revoking a change while its new subject is being verified (SPEC §5): the
 * change asks that verification first; it applies the guard of its own cancel
 * (a decision being recorded, a payout ordered) and answers by signal
 * (ownerRevokeAnswerSignal). Refused, the change goes on and the revocation
 * is refused PROCESS_NOT_OPEN with the verification's reason. Deterministic
 * code only.
 */
import { condition, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { refuse } from '../kernel/outcome';
import { FailureType } from '../messages';
import { ownerRevokeSignal, type OwnerRevokeAnswer } from '../process-messages';
import type { NewSubjectRun } from './new-subject';

export class NewSubjectRevocation {
  /** The new subject's verification accepted the revocation: it ends cancelled by itself. */
  accepted = false;
  /** The revocation asked, until the verification answers. */
  private asking: { requestId: string; answer?: OwnerRevokeAnswer } | undefined;
  private asked = 0;

  /** Whether the verification may end cancelled: it decides, as for its own cancel; throws the refusal. */
  async ask(child: NewSubjectRun): Promise<void> {
    // A second revocation while the first is asked waits for the same answer.
    let pending = this.asking;
    if (!pending) {
      pending = { requestId: `${workflowInfo().workflowId}/revoke/${++this.asked}` };
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
    this.accepted = true;
  }

  /** The new subject's verification answers a revocation (ownerRevokeAnswerSignal). */
  readonly answered = (answer: OwnerRevokeAnswer): void => {
    if (this.asking?.requestId === answer.requestId) this.asking.answer = answer;
  };
}
