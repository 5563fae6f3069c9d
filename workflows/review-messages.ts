/**
 * A review's Updates, answered by the process that owns the review (a public
 * remittance, a change of subject): decisions and claims. Pure definitions,
 * safe in the workflow sandbox; messages.ts re-exports them.
 */
import { defineUpdate } from '@temporalio/workflow';

export interface ReviewDecision {
  reviewId: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  reviewer: string;
}

/** A reviewer's decision; refused (REVIEW_NOT_OPEN) unless the review is the one this process waits on, REVIEW_CLAIMED while another reviewer holds it. */
export const decideReviewUpdate = defineUpdate<{ status: 'approved' | 'rejected' }, [ReviewDecision]>('decideReview');

/** A reviewer takes a review for `ttlMs` (REVIEW_CLAIM_TTL), or lets it go; `by` is the reviewer's name. */
export interface ReviewClaimRequest {
  reviewId: string;
  by: string;
  ttlMs: number;
}
export interface ReviewClaimAnswer {
  claimedBy: { name: string; until: string } | null;
}
export const claimReviewUpdate = defineUpdate<ReviewClaimAnswer, [ReviewClaimRequest]>('claimReview');
export const releaseReviewUpdate = defineUpdate<ReviewClaimAnswer, [Omit<ReviewClaimRequest, 'ttlMs'>]>('releaseReview');
