/**
 * A change of subject on the kernel run: its row in `changes` (where the run
 * is written; 'verify' is the switch, the user's cancellation a revocation)
 * and the snapshot its callers read. Deterministic code only.
 */
import type { ChangeStep } from '../../domain/change-rules';
import { refunds } from '../kernel/activities';
import { ProcessRun, type ProcessKind } from '../kernel/run';
import type { ChangeInput, ChangeOpenResult, ChangeSnapshot } from '../change-messages';
import { database, notifications } from './activities';

export type ChangeRun = ProcessRun<ChangeSnapshot, ChangeStep, ChangeOpenResult>;

const changeKind = (changeId: string): ProcessKind<ChangeSnapshot, ChangeStep, ChangeOpenResult> => ({
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
  // The caller who asked for the change sees its next action once its first step is visible.
  view: (run) => ({ changeId, status: run.status, step: run.step, nextAction: run.isOpen() ? run.nextAction() : null, failureReason: run.failureReason }),
  shown: () => ({ opened: true }),
});

/** A change's run: its outcome is notified to the account (SPEC §7), its user's windows remind them (SPEC §12). */
export function changeRun(input: ChangeInput): ChangeRun {
  const { changeId, timings } = input;
  return new ProcessRun(changeId, changeKind(changeId), {
    providerCallTimeoutMs: timings.providerCallTimeoutMs,
    reminders: { process: 'change', offsetsMs: timings.remindersBeforeMs },
    notify: (end) => notifications.notifyChange({ changeId, event: end.status, round: 0, reason: end.failureReason }),
  });
}
