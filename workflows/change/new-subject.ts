/**
 * After a reviewer's approval (entity change) or the holder's step
 * (individual → enterprise): the new subject, sent as its verification (API.md
 * `new-subject`), and that verification run as a child workflow of the
 * verification workflows themselves.
 */
import { condition, ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { FailureReason } from '../../domain/constants';
import { CANCELLED, ended, EXPIRED, failed, type Ended, type Outcome } from '../kernel/outcome';
import type { Pending } from '../kernel/requests';
import type { Approval } from '../kernel/review-round';
import { wait } from '../kernel/wait';
import type { ChangeSnapshot } from '../change-messages';
import {
  changeRevokedSignal,
  SearchAttributes,
  verificationWorkflowId,
  WorkflowTypes,
  type EnterpriseVerificationInput,
  type EnterpriseVerificationWorkflow,
  type VerificationOutcome,
} from '../messages';
import type { ChangeProcess } from './process';

/** The new subject's verification (a child workflow) while it runs, and its outcome once known. */
export interface NewSubjectRun {
  workflowId: string;
  over: boolean;
  outcome?: VerificationOutcome;
}

/** After approval: the new licence and contact person, sent as the new subject's verification (API.md `new-subject`). */
export async function awaitNewSubject(c: ChangeProcess, approval: Approval): Promise<{ kind: 'subject'; request: Pending<EnterpriseVerificationInput, ChangeSnapshot> } | Ended> {
  await c.run.enter('awaiting_new_subject');
  c.run.remindBefore(c.deadline);
  c.review.answerApproval(approval);
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
  const child = await startChild<EnterpriseVerificationWorkflow>(WorkflowTypes.enterpriseVerification, {
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
  if (request) c.newSubjects.answer(request, c.run.snapshot());

  const running: NewSubjectRun = { workflowId: child.workflowId, over: false };
  c.newSubject = running;
  let failure: unknown;
  child.result().then(
    (o) => {
      running.outcome = o;
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
    if (!over() && !c.revocation.accepted) await child.signal(changeRevokedSignal).catch(() => undefined);
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
