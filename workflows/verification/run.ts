/**
 * A verification on the kernel run: its row in `verifications` (where the run
 * is written; 'verify' completes it through the atomic quota check), the
 * snapshot its callers read, and the handlers every verification answers. A
 * verification another process owns (a change's verification of its new
 * subject) refuses its own cancel: its owner revokes it (owner.ts).
 */
import { setHandler } from '@temporalio/workflow';
import type { VerificationStep } from '../../domain/constants';
import { refuse } from '../kernel/outcome';
import { ProcessRun, setEventHandlers, type ProcessKind, type RunOptions } from '../kernel/run';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  changeRevokedSignal,
  FailureType,
  snapshotQuery,
  type OpenResult,
  type VerificationSnapshot,
} from '../messages';
import { ownerRevokeSignal } from '../process-messages';
import { database } from './activities';
import { answerOwner } from './owner';

export type VerificationRun = ProcessRun<VerificationSnapshot, VerificationStep, OpenResult>;

const verificationKind = (verificationId: string, method: string): ProcessKind<VerificationSnapshot, VerificationStep, OpenResult> => ({
  progress: async (revision, step, nextAction) => {
    await database.recordVerificationProgress({ verificationId, revision, step, nextAction });
  },
  close: (revision, outcome, credit) =>
    outcome === 'verify'
      ? database.completeVerification({ verificationId, revision, method, ...(credit ? { credit } : {}) })
      : database.finishVerification({ verificationId, revision, method, outcome }),
  view: (run) => ({
    verificationId,
    status: run.status,
    step: run.step,
    nextAction: run.status === 'in_progress' ? run.nextAction() : null,
    failureReason: run.failureReason,
  }),
  shown: (run) => ({ opened: true, snapshot: run.snapshot() }),
});

export function verificationRun(verificationId: string, method: string, options: RunOptions<VerificationSnapshot> = {}): VerificationRun {
  return new ProcessRun(verificationId, verificationKind(verificationId, method), options);
}

/**
 * The handlers every verification answers; registered by each workflow, first thing.
 * @param ownedBy set when another process owns the run: why its own cancel is refused
 */
export function setVerificationHandlers(run: VerificationRun, ownedBy?: string): void {
  setHandler(snapshotQuery, run.snapshot);
  setEventHandlers(run);
  setHandler(awaitOpenedUpdate, run.awaitOpened);
  setHandler(cancelUpdate, run.cancel, { validator: () => validateCancel(run, ownedBy) });
  if (ownedBy !== undefined) {
    // The owning change was revoked: this run ends as if its user had cancelled it (owners that predate ownerRevokeSignal).
    setHandler(changeRevokedSignal, () => {
      run.cancelRequested = true;
    });
    setHandler(ownerRevokeSignal, (request) => answerOwner(run, request));
  }
}

function validateCancel(run: VerificationRun, ownedBy: string | undefined): void {
  if (ownedBy) throw refuse(FailureType.processNotOpen, ownedBy);
  if (!run.isOpen()) throw refuse(FailureType.processNotOpen, 'this verification is no longer open');
  run.cancelGuard?.();
}
