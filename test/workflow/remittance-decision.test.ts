import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { cancelUpdate, decideReviewUpdate, providerEventSignal, snapshotQuery } from '../../workflows/messages';
import { remittanceActivities, remittanceInReview } from '../support/remittance-workflow';
import { eventually, timeSkippingHarness } from '../support/temporal-test-env';

/**
 * A reviewer's decision and the applicant's cancellation exclude each other
 * (issue 9): whichever is accepted first wins and the other is refused, so no
 * caller is told 200 for an outcome that did not happen.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;

/** An activity that waits until the test lets it finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened, entered: false };
}

function fakes(hold: { decision?: ReturnType<typeof gate>; revoke?: ReturnType<typeof gate> }) {
  const calls = { decisions: [] as string[], finished: [] as unknown[], payouts: 0 };
  const activities = remittanceActivities({
    async recordReviewDecision(args) {
      if (hold.decision) {
        hold.decision.entered = true;
        await hold.decision.wait();
      }
      calls.decisions.push(args.decision);
    },
    async revokeReview() {
      if (hold.revoke) {
        hold.revoke.entered = true;
        await hold.revoke.wait();
      }
    },
    async finishVerification(args) {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
    async requestPayout() {
      calls.payouts++;
      return { status: 'pending', bankReference: 'PO-TEST' };
    },
  });
  return { calls, activities };
}

const inReview = (taskQueue: string) => remittanceInReview(harness, taskQueue);

const refusal = (settled: PromiseSettledResult<unknown>) => (settled.status === 'rejected' ? ((settled.reason as { cause?: ApplicationFailure }).cause?.type ?? 'unknown') : 'accepted');

describe('public remittance: a decision and a cancellation', () => {
  it('a decision being recorded refuses the cancellation (PROCESS_NOT_OPEN); the approval stands', async () => {
    const decision = gate();
    const { calls, activities } = fakes({ decision });
    await withWorker(activities, async (tq) => {
      const handle = await inReview(tq);
      const approving = handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'reviewer' }] });
      await eventually(async () => expect(decision.entered).toBe(true));
      const [cancel] = await Promise.allSettled([handle.executeUpdate(cancelUpdate)]);
      expect(refusal(cancel)).toBe('PROCESS_NOT_OPEN');
      decision.open();
      expect(await approving).toEqual({ status: 'approved' });
      await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_payout' }));
      expect(calls.decisions).toEqual(['approved']);
      expect(calls.payouts).toBe(1);
    });
  });

  it('a cancellation being carried out refuses the decision (REVIEW_NOT_OPEN); it ends cancelled and nothing is paid', async () => {
    const revoke = gate();
    const { calls, activities } = fakes({ revoke });
    await withWorker(activities, async (tq) => {
      const handle = await inReview(tq);
      const cancelling = handle.executeUpdate(cancelUpdate);
      await eventually(async () => expect(revoke.entered).toBe(true));
      const [approval] = await Promise.allSettled([handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'reviewer' }] })]);
      expect(refusal(approval)).toBe('REVIEW_NOT_OPEN');
      revoke.open();
      expect(await cancelling).toMatchObject({ status: 'cancelled' });
      expect(calls.decisions).toEqual([]);
      expect(calls.payouts).toBe(0);
      expect(calls.finished).toEqual([{ status: 'cancelled', failureReason: null }]);
    });
  });

  it('once approved, the payout is ordered and cannot be recalled: cancel is refused (PROCESS_NOT_OPEN) while the payout and the amount are awaited', async () => {
    const { calls, activities } = fakes({});
    await withWorker(activities, async (tq) => {
      const handle = await inReview(tq);
      expect(await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'reviewer' }] })).toEqual({ status: 'approved' });
      await eventually(async () => expect(calls.payouts).toBe(1));
      const [whilePaying] = await Promise.allSettled([handle.executeUpdate(cancelUpdate)]);
      expect(refusal(whilePaying)).toBe('PROCESS_NOT_OPEN');
      // The refusal says the payout can no longer be recalled and by when the process ends without the bank's notice.
      const action = (await handle.query(snapshotQuery)).nextAction;
      const confirmBy = action?.type === 'await_payout' ? action.payout?.confirmBy : undefined;
      expect(confirmBy).toEqual(expect.any(String));
      expect(whilePaying.status === 'rejected' && (whilePaying.reason as { cause?: ApplicationFailure }).cause?.message).toMatch(new RegExp(`can no longer be recalled.*${confirmBy!.replace(/\./g, '\\.')}`));

      await handle.signal(providerEventSignal, { eventId: `evt_${randomUUID()}`, provider: 'bank', type: 'payout.settled', requestId: `${handle.workflowId}/payout`, occurredAt: new Date().toISOString() });
      await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_amount' }));
      const [whileEntering] = await Promise.allSettled([handle.executeUpdate(cancelUpdate)]);
      expect(refusal(whileEntering)).toBe('PROCESS_NOT_OPEN');
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_amount' });
      expect(calls.finished).toEqual([]);
    });
  });
});
