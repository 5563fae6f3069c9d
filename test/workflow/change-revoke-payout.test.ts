import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities';
import { revokeChangeUpdate } from '../../workflows/change-messages';
import { decideReviewUpdate, providerEventSignal, snapshotQuery } from '../../workflows/messages';
import { changeFakes, changeSteps, faceEvent, gate, refusedWith, ticketOf, type ChangeCalls } from '../support/change-fakes';
import { recordHistory } from '../support/record-history';
import { eventually, timeSkippingHarness } from '../support/temporal-test-env';
import { changeInput, enterpriseInput } from '../support/workflow-inputs';

/**
 * Revoke vs approval (issue 21): a change whose new subject is verified by
 * public remittance asks that verification before it is revoked, and the
 * verification applies the guard of its own cancel. So the payout is ordered
 * only if the approval won, and a payout already ordered (it cannot be
 * recalled) refuses the revocation; the change goes on.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;
const steps = changeSteps(harness);

/** A gate that also tells whether the activity reached it. */
function held() {
  const g = gate();
  return { ...g, entered: false };
}

/** The change's fakes plus what the new subject's public remittance needs: its review, its payout; optional gates on the decision and the review's withdrawal. */
function fakes(hold: { decision?: ReturnType<typeof held>; withdrawal?: ReturnType<typeof held> } = {}) {
  const { calls, activities } = changeFakes();
  const payouts: string[] = [];
  const gated =
    <A extends unknown[]>(g: ReturnType<typeof held> | undefined, fn: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      if (g) {
        g.entered = true;
        await g.opened;
      }
      await fn(...args);
    };
  const all: Partial<Activities> = {
    ...activities,
    openReview: async (args) => {
      calls.reviews.push({ round: args.round, kind: args.kind, purposes: [] });
      return { reviewId: `rev-${args.round}` };
    },
    recordReviewDecision: gated(hold.decision, activities.recordReviewDecision!),
    revokeReview: gated(hold.withdrawal, activities.revokeReview!),
    requestPayout: async (args) => {
      payouts.push(args.requestId);
      return { status: 'pending', bankReference: 'PO-TEST' };
    },
  };
  return { calls, payouts, activities: all };
}

/** An individual → enterprise change by public remittance, its new subject's verification waiting in review `rev-1`. */
async function childInReview(tq: string, calls: ChangeCalls): Promise<{ handle: WorkflowHandle; child: WorkflowHandle }> {
  const input = changeInput('individual_to_enterprise', { newSubject: enterpriseInput('public_remittance', { accountId: 'acct-c' }) });
  const handle = await steps.start(tq, input);
  await steps.passFace(handle, calls, 'verifying_new_subject');
  const child = steps.child(input.request.newSubject.verificationId);
  await eventually(async () => expect(await child.query(snapshotQuery)).toMatchObject({ step: 'awaiting_handler_face' }));
  await child.signal(providerEventSignal, faceEvent(ticketOf(calls, child.workflowId)));
  await eventually(async () => expect(await child.query(snapshotQuery)).toMatchObject({ step: 'awaiting_review', nextAction: { reviewId: 'rev-1' } }));
  return { handle, child };
}

const approve = (child: WorkflowHandle) => child.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });

describe('revoking a change whose new subject is verified by public remittance', () => {
  it('while the approval is being recorded: the revocation is refused (PROCESS_NOT_OPEN), the payout ordered once, the change goes on', async () => {
    const decision = held();
    const { calls, payouts, activities } = fakes({ decision });
    await withWorker(activities, async (tq) => {
      const { handle, child } = await childInReview(tq, calls);
      const approving = approve(child);
      await eventually(async () => expect(decision.entered).toBe(true));
      await expect(handle.executeUpdate(revokeChangeUpdate)).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      decision.open();
      expect(await approving).toEqual({ status: 'approved' });
      await eventually(async () => expect(payouts).toHaveLength(1));
      expect(await child.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_payout' });
      expect(await steps.snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'verifying_new_subject' });
      expect(calls.finished).toEqual([]);
      expect(calls.child.finished).toEqual([]);
    });
  });

  it('the revocation accepted first: the approval that follows is refused REVIEW_NOT_OPEN, nothing is paid, the change ends revoked', async () => {
    const withdrawal = held();
    const { calls, payouts, activities } = fakes({ withdrawal });
    await withWorker(activities, async (tq) => {
      const { handle, child } = await childInReview(tq, calls);
      const revoking = handle.executeUpdate(revokeChangeUpdate);
      // The verification accepted and is closing (withdrawing its review).
      await eventually(async () => expect(withdrawal.entered).toBe(true));
      await expect(approve(child)).rejects.toMatchObject(refusedWith('REVIEW_NOT_OPEN'));
      withdrawal.open();
      expect(await revoking).toMatchObject({ status: 'revoked' });
      expect(calls.child.finished).toEqual([{ status: 'cancelled', failureReason: null }]);
      expect(calls.decisions).toEqual([]);
      expect(payouts).toEqual([]);
      expect(calls.finished).toEqual([{ status: 'revoked', failureReason: null }]);
    });
  });

  it('after the payout was ordered: refused (PROCESS_NOT_OPEN), the payout cannot be recalled; the change goes on', async () => {
    const { calls, payouts, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle, child } = await childInReview(tq, calls);
      expect(await approve(child)).toEqual({ status: 'approved' });
      await eventually(async () => expect(payouts).toHaveLength(1));
      const refused = handle.executeUpdate(revokeChangeUpdate);
      await expect(refused).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      await expect(refused).rejects.toMatchObject({ cause: { message: expect.stringMatching(/can no longer be recalled/) } });
      expect(await child.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_payout' });
      expect(await steps.snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'verifying_new_subject' });
      expect(calls.child.finished).toEqual([]);
      expect(calls.finished).toEqual([]);
      await recordHistory('change.individual-to-enterprise-revoke-refused-after-payout', handle);
    });
  });
});
