import { describe, expect, it } from 'vitest';
import type { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { claimReviewUpdate, decideReviewUpdate, releaseReviewUpdate } from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { remittanceActivities, remittanceInReview } from '../support/remittance-workflow';
import { timeSkippingHarness } from '../support/temporal-test-env';

/**
 * Claims on a review (issue 11), kept by the workflow that owns it: a claim
 * held by someone else refuses claims, releases and decisions with
 * REVIEW_CLAIMED; it lapses after its time; the holder may decide or release.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;
const TTL = 30 * 60_000;

function fakes() {
  const claims: { action: string; by: string; until: string | null }[] = [];
  const decisions: { decision: string; reviewer: string }[] = [];
  const activities = remittanceActivities({
    recordReviewClaim: async (args) => void claims.push({ action: args.action, by: args.by, until: args.until }),
    recordReviewDecision: async (args) => void decisions.push({ decision: args.decision, reviewer: args.reviewer }),
  });
  return { claims, decisions, activities };
}

const inReview = (taskQueue: string) => remittanceInReview(harness, taskQueue);

const claim = (h: WorkflowHandle, by: string, reviewId = 'rev-1', ttlMs = TTL) => h.executeUpdate(claimReviewUpdate, { args: [{ reviewId, by, ttlMs }] });
const release = (h: WorkflowHandle, by: string) => h.executeUpdate(releaseReviewUpdate, { args: [{ reviewId: 'rev-1', by }] });
const decide = (h: WorkflowHandle, reviewer: string, decision: 'approve' | 'reject' = 'approve') =>
  h.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision, reason: decision === 'reject' ? 'unreadable' : null, reviewer }] });
async function refusal(p: Promise<unknown>): Promise<{ type: string; details?: unknown[] } | 'accepted'> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    const cause = (err as { cause?: ApplicationFailure }).cause;
    return { type: cause?.type ?? 'unknown', details: cause?.details as unknown[] };
  }
}

describe('review claims', () => {
  it('a claim held by someone else refuses claims, releases and decisions; the holder decides', async () => {
    const { claims, decisions, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await inReview(tq);
      const taken = await claim(handle, '王芳');
      expect(taken.claimedBy?.name).toBe('王芳');
      expect(await refusal(claim(handle, 'li.lei'))).toMatchObject({ type: 'REVIEW_CLAIMED', details: [{ claimedBy: { name: '王芳' } }] });
      expect(await refusal(release(handle, 'li.lei'))).toMatchObject({ type: 'REVIEW_CLAIMED' });
      expect(await refusal(decide(handle, 'li.lei'))).toMatchObject({ type: 'REVIEW_CLAIMED' });
      // Claiming again extends the holder's own claim.
      expect(await refusal(claim(handle, '王芳'))).toBe('accepted');
      expect(await decide(handle, '王芳')).toEqual({ status: 'approved' });
      expect(decisions).toEqual([{ decision: 'approved', reviewer: '王芳' }]);
      expect(claims.map((c) => `${c.action}:${c.by}`)).toEqual(['claimed:王芳', 'claimed:王芳']);
      // Decided: nothing left to claim.
      expect(await refusal(claim(handle, 'li.lei'))).toMatchObject({ type: 'REVIEW_NOT_OPEN' });
      await recordHistory('enterprise-verification.remittance-claimed-decided', handle);
    });
  });

  it('a released claim frees the review; a claim lapses after its time; an unknown review is not open', async () => {
    const { claims, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await inReview(tq);
      await claim(handle, '王芳');
      expect(await release(handle, '王芳')).toEqual({ claimedBy: null });
      // A claim lapses by the workflow's clock. The test server's env.sleep
      // sometimes never returns after rejected Updates (its time stays locked
      // though the workflow is idle), so this claim is short and the wait is
      // real: the server's clock runs with the wall clock while time is locked.
      await claim(handle, 'li.lei', 'rev-1', 1_000);
      expect(await refusal(claim(handle, '王芳'))).toMatchObject({ type: 'REVIEW_CLAIMED' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await refusal(claim(handle, '王芳'))).toBe('accepted');
      expect(await refusal(claim(handle, '王芳', 'rev-other'))).toMatchObject({ type: 'REVIEW_NOT_OPEN' });
      expect(claims.map((c) => `${c.action}:${c.by}`)).toEqual(['claimed:王芳', 'released:王芳', 'claimed:li.lei', 'claimed:王芳']);
    });
  });
});
