/**
 * A run another process owns (a change's verification of its new subject):
 * the owner's revocation asks this run whether it may end cancelled, and the
 * same guard as a direct cancel decides, so a revocation never overtakes a
 * decision being recorded or a payout already ordered. Deterministic code only.
 */
import { getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { ownerRevokeAnswerSignal, type OwnerRevokeAnswer, type OwnerRevokeRequest } from '../process-messages';
import type { VerificationRun } from './run';

/** Accepted, the run ends cancelled; either way the owner (the parent workflow) gets the answer by signal. */
export async function answerOwner(run: VerificationRun, { requestId }: OwnerRevokeRequest): Promise<void> {
  const reason = refusal(run);
  if (reason === undefined) run.cancelRequested = true;
  const owner = workflowInfo().parent?.workflowId;
  if (!owner) return;
  const answer: OwnerRevokeAnswer = reason === undefined ? { requestId, accepted: true } : { requestId, accepted: false, reason };
  // An owner that has ended meanwhile waits for nothing.
  await getExternalWorkflowHandle(owner)
    .signal(ownerRevokeAnswerSignal, answer)
    .catch(() => undefined);
}

function refusal(run: VerificationRun): string | undefined {
  if (run.cancelRequested) return undefined;
  if (run.closed) return 'the new subject’s verification has ended';
  try {
    run.cancelGuard?.();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
