import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { revokeChangeUpdate } from '../../workflows/change-messages';
import { claimReviewUpdate, decideReviewUpdate, type ReviewDecision } from '../../workflows/messages';
import { changeFakes, changeSteps, refusedWith } from '../support/change-fakes';
import { recordHistory } from '../support/record-history';
import { timeSkippingHarness } from '../support/temporal-test-env';
import { changeInput } from '../support/workflow-inputs';

/**
 * Four eyes (SPEC §6, API.md "Reviews"): an entity change's review needs the
 * approvals of two different reviewers, kept by the change's workflow. The
 * first leaves the review open (revocable, its author's claim released, no
 * decision recorded or notified); the same reviewer again is refused
 * SECOND_REVIEWER_REQUIRED (a retry under the first request's id gets the
 * first answer); a rejection by either decides. Every order of events.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;
const steps = changeSteps(harness);

const decision = (reviewer: string, decided: 'approve' | 'reject' = 'approve', reason: string | null = null): ReviewDecision => ({
  reviewId: 'rev-1',
  decision: decided,
  reason,
  reviewer,
  requiredApprovals: 2,
});
const decide = (handle: WorkflowHandle, d: ReviewDecision, updateId?: string) => handle.executeUpdate(decideReviewUpdate, { args: [d], ...(updateId ? { updateId } : {}) });
const claim = (handle: WorkflowHandle, by: string, ttlMs = 30 * 60_000) => handle.executeUpdate(claimReviewUpdate, { args: [{ reviewId: 'rev-1', by, ttlMs }] });

/** An entity change in review, and its first approval by 王芳 (answered open: nothing decided, nothing sent). */
async function firstApproval(tq: string, fakes: ReturnType<typeof changeFakes>) {
  const { calls } = fakes;
  const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
  await steps.toReview(handle, calls);
  await claim(handle, '王芳');
  expect(await decide(handle, decision('王芳', 'approve', 'licence checked'), 'decideReview/first')).toEqual({ status: 'open' });
  expect(calls.approvals).toEqual(['rev-1:王芳']);
  expect(calls.decisions).toEqual([]);
  expect(calls.notices).toEqual([]);
  expect(await steps.snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'awaiting_review', nextAction: { type: 'await_review', reviewId: 'rev-1' } });
  return handle;
}

describe('four eyes on an entity change', () => {
  it('two approvals by different reviewers decide it approved; the first author’s claim was released', async () => {
    const fakes = changeFakes();
    const { calls } = fakes;
    await withWorker(fakes.activities, async (tq) => {
      const handle = await firstApproval(tq, fakes);
      // The first author's claim is released: another reviewer may take the case.
      expect(await claim(handle, 'li.lei')).toMatchObject({ claimedBy: { name: 'li.lei' } });
      expect(await decide(handle, decision('li.lei'))).toEqual({ status: 'approved' });
      expect(calls.decisions).toEqual([{ reviewId: 'rev-1', decision: 'approved', reason: null }]);
      expect(calls.notices).toEqual(['review_approved']);
      await steps.atStep(handle, 'awaiting_new_subject');
      await recordHistory('change.entity-change-four-eyes-approved', handle);
    });
  });

  it('an approval, then a rejection by the second reviewer: rejected, back to materials', async () => {
    const fakes = changeFakes();
    const { calls } = fakes;
    await withWorker(fakes.activities, async (tq) => {
      const handle = await firstApproval(tq, fakes);
      expect(await decide(handle, decision('li.lei', 'reject', 'the licence is expired'))).toEqual({ status: 'rejected' });
      expect(calls.decisions).toEqual([{ reviewId: 'rev-1', decision: 'rejected', reason: 'the licence is expired' }]);
      expect(calls.notices).toEqual(['review_rejected']);
      await steps.atStep(handle, 'awaiting_materials');
    });
  });

  it('the first approver may still reject: a rejection by either decides', async () => {
    const fakes = changeFakes();
    await withWorker(fakes.activities, async (tq) => {
      const handle = await firstApproval(tq, fakes);
      expect(await decide(handle, decision('王芳', 'reject', 'second thoughts: the seal differs'))).toEqual({ status: 'rejected' });
      expect(fakes.calls.decisions).toEqual([{ reviewId: 'rev-1', decision: 'rejected', reason: 'second thoughts: the seal differs' }]);
    });
  });

  it('an approval, then the applicant revokes: the review closes undecided', async () => {
    const fakes = changeFakes();
    const { calls } = fakes;
    await withWorker(fakes.activities, async (tq) => {
      const handle = await firstApproval(tq, fakes);
      expect(await handle.executeUpdate(revokeChangeUpdate)).toMatchObject({ status: 'revoked' });
      expect(await steps.resultOf(handle)).toEqual({ status: 'revoked', failureReason: null });
      expect(calls.revokedReviews).toEqual(['rev-1']);
      expect(calls.decisions).toEqual([]);
      expect(calls.notices).toEqual(['revoked']);
      await recordHistory('change.entity-change-four-eyes-revoked', handle);
    });
  });

  it('the same reviewer twice is refused SECOND_REVIEWER_REQUIRED; a retry of the first request gets its first answer', async () => {
    const fakes = changeFakes();
    const { calls } = fakes;
    await withWorker(fakes.activities, async (tq) => {
      const handle = await firstApproval(tq, fakes);
      await expect(decide(handle, decision('王芳'))).rejects.toMatchObject(refusedWith('SECOND_REVIEWER_REQUIRED'));
      // The same request again (its Idempotency-Key gives it the first's update id): the first answer, no second effect.
      expect(await decide(handle, decision('王芳', 'approve', 'licence checked'), 'decideReview/first')).toEqual({ status: 'open' });
      expect(calls.approvals).toEqual(['rev-1:王芳']);
      expect(calls.decisions).toEqual([]);
      expect(await decide(handle, decision('li.lei'))).toEqual({ status: 'approved' });
    });
  });

  it('a claim taken between the approvals holds others off until it lapses; then the second approval decides', async () => {
    const fakes = changeFakes();
    const { calls } = fakes;
    await withWorker(fakes.activities, async (tq) => {
      const handle = await firstApproval(tq, fakes);
      // A short claim, waited for in real time (see review-claims.test.ts: env.sleep after refused Updates may hang).
      await claim(handle, 'li.lei', 1_000);
      await expect(decide(handle, decision('张伟'))).rejects.toMatchObject(refusedWith('REVIEW_CLAIMED'));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await decide(handle, decision('张伟'))).toEqual({ status: 'approved' });
      expect(calls.decisions).toEqual([{ reviewId: 'rev-1', decision: 'approved', reason: null }]);
    });
  });

  it('a review of a kind that needs one approval is decided by the first', async () => {
    const fakes = changeFakes();
    await withWorker(fakes.activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, fakes.calls);
      expect(await decide(handle, { ...decision('王芳'), requiredApprovals: 1 })).toEqual({ status: 'approved' });
      expect(fakes.calls.approvals).toEqual([]);
    });
  });
});
